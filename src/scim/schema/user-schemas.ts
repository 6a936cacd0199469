import { attribute, complex, multiValuedSubs, type ResourceTypeDef, type SchemaDef } from './attributes.ts';

const userSchemaId = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const enterpriseSchemaId = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const gatehouseSchemaId = 'urn:gatehouse:params:scim:schemas:extension:gatehouse:2.0:User';

const calendarDate = 'A calendar date, YYYY-MM-DD.';

/** RFC 7643 §4.1 without `password`: Gatehouse holds no credentials, so it is not accepted. */
export const userSchema: SchemaDef = {
  id: userSchemaId,
  name: 'User',
  description: 'A worker of the agency: the directory account Gatehouse governs.',
  attributes: [
    attribute('userName', "The worker's login id (Gatehouse: 2-64 letters, digits, '.', '_' or '-'); unique state-wide, ignoring case.", { required: true, uniqueness: 'server' }),
    complex('name', "The components of the worker's name; givenName and familyName are the worker's first and last name.", [
      attribute('formatted', 'The full name, formatted for display.'),
      attribute('familyName', 'The family (last) name.'),
      attribute('givenName', 'The given (first) name.'),
      attribute('middleName', 'The middle name(s).'),
      attribute('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
      attribute('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
    ]),
    attribute('displayName', 'The name of the worker, suitable for display.'),
    attribute('nickName', 'The casual way to address the worker.'),
    attribute('profileUrl', "A URI of the worker's online profile.", { type: 'reference', referenceTypes: ['external'] }),
    attribute('title', "The worker's title, e.g. \"Caseworker\"."),
    attribute('userType', 'The relationship to the agency, e.g. "Employee" or "Contractor".'),
    attribute('preferredLanguage', 'The preferred written or spoken language.'),
    attribute('locale', 'The default location for localizing, e.g. "en-US".'),
    attribute('timezone', 'The time zone, e.g. "America/New_York".'),
    attribute('active', "Whether the worker's directory account is enabled; false disables every application account at once.", { type: 'boolean' }),
    complex('emails', "Email addresses; the primary one (else the work one, else the first) is the worker's email.", multiValuedSubs('The email address.', ['work', 'home', 'other']), { multiValued: true }),
    complex('phoneNumbers', 'Phone numbers.', multiValuedSubs('The phone number.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']), { multiValued: true }),
    complex('ims', 'Instant messaging addresses.', multiValuedSubs('The instant messaging address.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']), { multiValued: true }),
    complex('photos', 'URLs of photos.', multiValuedSubs('The URL of a photo.', ['photo', 'thumbnail'], { type: 'reference', referenceTypes: ['external'] }), { multiValued: true }),
    complex('addresses', 'Physical mailing addresses.', [
      attribute('formatted', 'The full address, formatted for display.'),
      attribute('streetAddress', 'The street address.'),
      attribute('locality', 'The city or locality.'),
      attribute('region', 'The state or region.'),
      attribute('postalCode', 'The zip or postal code.'),
      attribute('country', 'The country, ISO 3166-1 alpha-2.'),
      attribute('type', 'A label indicating the function of the address.', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'Whether this is the preferred address.', { type: 'boolean' }),
    ], { multiValued: true }),
    complex('groups', 'The directory groups the worker belongs to; change them through /Groups.', [
      attribute('value', 'The id of the group.', { caseExact: true, mutability: 'readOnly' }),
      attribute('$ref', 'The URI of the group.', { type: 'reference', referenceTypes: ['Group'], caseExact: true, mutability: 'readOnly' }),
      attribute('display', 'The displayName of the group.', { mutability: 'readOnly' }),
      attribute('type', 'How the worker is a member: "direct".', { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' }),
    ], { multiValued: true, mutability: 'readOnly' }),
    complex('entitlements', 'Entitlements the client records; Gatehouse grants access only through its own requests.', multiValuedSubs('The entitlement.', []), { multiValued: true }),
    complex('roles', 'Roles the client records; Gatehouse grants access only through its own requests.', multiValuedSubs('The role.', []), { multiValued: true }),
    complex('x509Certificates', 'DER-encoded X.509 certificates, base64.', multiValuedSubs('The certificate.', [], { type: 'binary' }), { multiValued: true }),
  ],
};

export const enterpriseSchema: SchemaDef = {
  id: enterpriseSchemaId,
  name: 'EnterpriseUser',
  description: 'Enterprise User (RFC 7643 §4.3).',
  attributes: [
    attribute('employeeNumber', 'A number assigned by the organization.'),
    attribute('costCenter', 'A cost center.'),
    attribute('organization', 'An organization.'),
    attribute('division', 'A division.'),
    attribute('department', 'A department.'),
    complex('manager', "The worker's supervisor: value is the id of another User of the same agency.", [
      attribute('value', 'The id of the manager: a User of the same agency.', { caseExact: true }),
      attribute('$ref', 'The URI of the manager.', { type: 'reference', referenceTypes: ['User'], caseExact: true }),
      attribute('displayName', 'The displayName of the manager.', { mutability: 'readOnly' }),
    ]),
  ],
};

export const gatehouseSchema: SchemaDef = {
  id: gatehouseSchemaId,
  name: 'GatehouseUser',
  description: "What Gatehouse needs of a worker beyond the core schema: placement, job and dates.",
  attributes: [
    attribute('agency', "The code of the worker's agency: the agency of the SCIM client's token.", { caseExact: true, mutability: 'readOnly' }),
    attribute('unit', "The code of the worker's unit in the agency; absent, the agency's holding unit.", { caseExact: false }),
    attribute('jobType', 'The job type code, e.g. "cps_caseworker"; it selects the access template. Absent: "unassigned".', { caseExact: true }),
    attribute('leaveStart', `The first day of a leave of absence. ${calendarDate}`, { caseExact: true }),
    attribute('leaveReturn', `The day the worker returns from leave. ${calendarDate}`, { caseExact: true }),
    attribute('terminationDate', `The last day of employment. ${calendarDate}`, { caseExact: true }),
  ],
};

export const userResourceType: ResourceTypeDef = {
  name: 'User',
  endpoint: '/Users',
  description: 'Workers of the agency the SCIM token belongs to.',
  schema: userSchema,
  extensions: [enterpriseSchema, gatehouseSchema],
};
