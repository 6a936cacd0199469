import type { RiskLevel } from '../db/schema.ts';

/** The CONNECTIONS business functions the demo uses, with their security attributes. */
export const demoFunctions: { code: string; name: string; riskLevel: RiskLevel; securityAttributes: string[] }[] = [
  { code: 'CPS CASEWORKER', name: 'Child Protective Services caseworker', riskLevel: 'high', securityAttributes: ['Case Search', 'Intake', 'Investigation', 'Case Notes'] },
  { code: 'CPS SUPERVISOR', name: 'Child Protective Services supervisor', riskLevel: 'high', securityAttributes: ['Case Search', 'Approve Investigation', 'Assign Work', 'Maintain Designee'] },
  { code: 'PREVENTIVE CASEWORKER', name: 'Preventive services caseworker', riskLevel: 'medium', securityAttributes: ['Case Search', 'Case Notes', 'Service Plan'] },
  { code: 'FOSTER CARE CASEWORKER', name: 'Foster care caseworker', riskLevel: 'medium', securityAttributes: ['Case Search', 'Case Notes', 'Placement'] },
  { code: 'ADOPTION CASEWORKER', name: 'Adoption caseworker', riskLevel: 'medium', securityAttributes: ['Case Search', 'Case Notes', 'Adoption Subsidy'] },
  { code: 'FAD CASEWORKER', name: 'Foster and adoptive home development caseworker', riskLevel: 'medium', securityAttributes: ['Home Search', 'Home Study'] },
  { code: 'FAD SUPERVISOR', name: 'Foster and adoptive home development supervisor', riskLevel: 'medium', securityAttributes: ['Home Search', 'Approve Home', 'Assign Work'] },
  { code: 'ACCESS ALL DIST', name: 'Access to all cases in the district', riskLevel: 'high', securityAttributes: ['Case Search', 'District-wide Read'] },
];

/** Job type -> the least-privilege function set for that job (the access template). */
export const demoTemplates: Record<string, { name: string; functions: string[] }> = {
  cps_caseworker: { name: 'CPS caseworker', functions: ['CPS CASEWORKER'] },
  cps_supervisor: { name: 'CPS supervisor', functions: ['CPS CASEWORKER', 'CPS SUPERVISOR'] },
  preventive_caseworker: { name: 'Preventive caseworker', functions: ['PREVENTIVE CASEWORKER'] },
  foster_care_caseworker: { name: 'Foster care caseworker', functions: ['FOSTER CARE CASEWORKER'] },
  adoption_caseworker: { name: 'Adoption caseworker', functions: ['ADOPTION CASEWORKER'] },
  homefinder: { name: 'Homefinder (FAD caseworker)', functions: ['FAD CASEWORKER'] },
  fad_supervisor: { name: 'FAD supervisor', functions: ['FAD CASEWORKER', 'FAD SUPERVISOR'] },
  director: { name: 'Director of services', functions: ['ACCESS ALL DIST'] },
  clerk: { name: 'Clerk (no case access)', functions: [] },
};

export interface DemoUnit {
  code: string;
  name: string;
  parent: string | null;
  site: string;
  /** The job types of the workers who sit in this unit, and how many of them. */
  staff: { jobType: string; count: number }[];
}

export interface DemoAgency {
  code: string;
  name: string;
  kind: 'district' | 'voluntary';
  units: DemoUnit[];
}

export const demoAgencies: DemoAgency[] = [
  {
    code: 'CEDAR',
    name: 'Cedar County Department of Social Services',
    kind: 'district',
    units: [
      { code: 'D00', name: 'Director of Services', parent: null, site: 'County Office Building', staff: [{ jobType: 'director', count: 1 }, { jobType: 'clerk', count: 2 }] },
      { code: 'C10', name: 'CPS Intake', parent: 'D00', site: 'County Office Building', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'cps_caseworker', count: 12 }] },
      { code: 'C11', name: 'CPS Investigations East', parent: 'C10', site: 'East Annex', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'cps_caseworker', count: 14 }] },
      { code: 'C12', name: 'CPS Investigations West', parent: 'C10', site: 'West Annex', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'cps_caseworker', count: 14 }] },
      { code: 'P20', name: 'Preventive Services', parent: 'D00', site: 'County Office Building', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'preventive_caseworker', count: 16 }] },
      { code: 'F30', name: 'Foster Care', parent: 'D00', site: 'County Office Building', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'foster_care_caseworker', count: 14 }] },
      { code: 'A40', name: 'Adoption', parent: 'F30', site: 'County Office Building', staff: [{ jobType: 'adoption_caseworker', count: 8 }] },
      { code: 'H50', name: 'Homefinding', parent: 'F30', site: 'East Annex', staff: [{ jobType: 'fad_supervisor', count: 1 }, { jobType: 'homefinder', count: 8 }] },
    ],
  },
  {
    code: 'HARBOR',
    name: 'Harbor Family Services',
    kind: 'voluntary',
    units: [
      { code: 'V00', name: 'Program Director', parent: null, site: 'Harbor Main', staff: [{ jobType: 'director', count: 1 }, { jobType: 'clerk', count: 2 }] },
      { code: 'V10', name: 'Preventive Program', parent: 'V00', site: 'Harbor Main', staff: [{ jobType: 'cps_supervisor', count: 1 }, { jobType: 'preventive_caseworker', count: 30 }] },
      { code: 'V20', name: 'Foster Boarding Homes', parent: 'V00', site: 'Harbor North', staff: [{ jobType: 'fad_supervisor', count: 1 }, { jobType: 'foster_care_caseworker', count: 22 }, { jobType: 'homefinder', count: 12 }] },
      { code: 'V30', name: 'Adoption Program', parent: 'V00', site: 'Harbor North', staff: [{ jobType: 'adoption_caseworker', count: 14 }] },
    ],
  },
];

export const firstNames = [
  'Ada', 'Alma', 'Andre', 'Aria', 'Beatriz', 'Caleb', 'Carmen', 'Chen', 'Dana', 'Darius', 'Elena', 'Emeka', 'Farah', 'Felix',
  'Grace', 'Hana', 'Ian', 'Imani', 'Jamal', 'Joanna', 'Kai', 'Keisha', 'Laila', 'Luis', 'Maya', 'Mateo', 'Nadia', 'Noah',
  'Olivia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Samuel', 'Sofia', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoe',
];

export const lastNames = [
  'Abbott', 'Baptiste', 'Castillo', 'Dubois', 'Eriksen', 'Fitzgerald', 'Garcia', 'Haddad', 'Ibrahim', 'Jensen', 'Kowalski',
  'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quintero', 'Rahman', 'Santos', 'Thompson', 'Uddin', 'Vasquez',
  'Whitaker', 'Xu', 'Yamamoto', 'Zielinski',
];
