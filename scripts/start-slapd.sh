#!/usr/bin/env bash
# Starts a throwaway OpenLDAP server on a loopback port and prints its URL.
# Usage: scripts/start-slapd.sh PORT DIR [BULK.ldif]   (needs Debian's slapd and ldap-utils)
#
# DIR must be empty or missing; it receives slapd.d (cn=config, generated with slapadd -n0),
# the mdb database, slapd.pid and slapd.log. Suffix dc=gatehouse,dc=test, root DN
# cn=admin,dc=gatehouse,dc=test, password $SLAPD_ROOT_PASSWORD (default "gatehouse").
# Schemas core, cosine, nis, inetorgperson, and an auxiliary class adUser carrying Active
# Directory's sAMAccountName, userAccountControl, objectGUID and department (Debian's msuser.ldif
# clashes with the memberof overlay); the ppolicy overlay (its module holds the schema of
# pwdAccountLockedTime) and the memberof overlay.
# BULK.ldif, if given, is loaded with slapadd before the server starts: fast, but slapadd skips
# overlays, so memberOf is not computed for what it loads. Stop with: kill "$(cat DIR/slapd.pid)".
set -euo pipefail
port="${1:?usage: start-slapd.sh PORT DIR [BULK.ldif]}"
dir="${2:?usage: start-slapd.sh PORT DIR [BULK.ldif]}"
bulk="${3:-}"
password="${SLAPD_ROOT_PASSWORD:-gatehouse}"
suffix="dc=gatehouse,dc=test"
for tool in slapd slapadd ldapsearch; do
  if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
    echo "$tool is not installed: apt-get install -y slapd ldap-utils" >&2
    exit 1
  fi
done
export PATH="$PATH:/usr/sbin"
mkdir -p "$dir/slapd.d" "$dir/data"
dir=$(cd "$dir" && pwd)

cat >"$dir/config.ldif" <<EOF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $dir/slapd.pid
olcArgsFile: $dir/slapd.args
olcSizeLimit: unlimited
olcLogLevel: none

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/nis.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: cn=adsubset,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: adsubset
olcAttributeTypes: ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.4.2 NAME 'objectGUID' EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
olcAttributeTypes: ( 1.2.840.113556.1.2.141 NAME 'department' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcObjectClasses: ( 1.3.6.1.4.1.4203.666.11.1042.1 NAME 'adUser' DESC 'Active Directory user attributes, for AD-shaped test entries' AUXILIARY MAY ( sAMAccountName $ userAccountControl $ objectGUID $ department ) )

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: unlimited

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: $dir/data
olcSuffix: $suffix
olcRootDN: cn=admin,$suffix
olcRootPW: $password
olcDbMaxSize: 8589934592
olcDbNoSync: TRUE
olcSizeLimit: unlimited
olcLimits: * size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited
olcDbIndex: objectClass eq
olcDbIndex: uid,cn,mail eq
olcDbIndex: member,uniqueMember eq
olcDbIndex: entryUUID,modifyTimestamp eq
olcAccess: {0}to * by users read by anonymous auth

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay={1}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {1}ppolicy
EOF

cat >"$dir/base.ldif" <<EOF
dn: $suffix
objectClass: dcObject
objectClass: organization
dc: gatehouse
o: Gatehouse test directory
EOF

slapadd -q -n0 -F "$dir/slapd.d" -l "$dir/config.ldif"
slapadd -q -F "$dir/slapd.d" -b "$suffix" -l "$dir/base.ldif"
if [ -n "$bulk" ]; then
  slapadd -q -F "$dir/slapd.d" -b "$suffix" -l "$bulk"
fi

url="ldap://127.0.0.1:$port"
slapd -F "$dir/slapd.d" -h "$url/" 2>"$dir/slapd.log"
# slapd forks before it listens; wait (up to 10 s) until it answers a root DSE query.
for _ in $(seq 1 200); do
  if ldapsearch -x -H "$url" -b "" -s base -LLL dn >/dev/null 2>&1; then
    echo "$url"
    exit 0
  fi
  sleep 0.05
done
echo "slapd did not answer on $url within 10 s; see $dir/slapd.log" >&2
exit 1
