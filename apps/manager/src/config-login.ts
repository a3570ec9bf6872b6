/**
 * Login with the institution's identity provider: OpenID Connect (discovery, ID token, UserInfo) or plain OAuth2
 * (an authorize URL, a token URL and a profile API URL, as TJHSST's Ion offers). At most one of the two is set.
 */
import { type ConfigOf, configSchema, variable } from "@director/config/config-table";
import { z } from "zod";

/** A comma-separated list in the environment, e.g. `teacher,staff`. */
const nonEmptyList = z.array(z.string().min(1)).min(1);

const field = (env: string, fallback: string, doc: string) =>
  variable({ env, schema: z.string().min(1).default(fallback), doc });

const tokenAuthMethod = (env: string) =>
  variable({
    env,
    schema: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
    doc: "how the client authenticates at the token endpoint (RFC 6749 §2.3.1): `client_secret_post` if the provider wants the secret in the body",
  });

/** Which fields of the provider's answer make the Director account; `what` says where they are read. */
function profileFields(prefix: string, what: string, defaults: ProfileDefaults) {
  return {
    username: field(
      `${prefix}_USERNAME_${what}`,
      defaults.username,
      "the field that becomes the Director username (lowercased; must be a valid username)",
    ),
    name: field(
      `${prefix}_NAME_${what}`,
      defaults.name,
      "the field with the full name; without it, given and family names are joined",
    ),
    givenName: field(`${prefix}_GIVEN_NAME_${what}`, defaults.givenName, "the field with the given name"),
    familyName: field(`${prefix}_FAMILY_NAME_${what}`, defaults.familyName, "the field with the family name"),
    email: field(`${prefix}_EMAIL_${what}`, defaults.email, "the field with the email address"),
    role: field(
      `${prefix}_ROLE_${what}`,
      defaults.role,
      "a string, list (groups) or yes/no saying whether the person is a teacher or a student",
    ),
    teacherValues: variable({
      env: `${prefix}_TEACHER_VALUES`,
      schema: nonEmptyList.default(defaults.teacherValues),
      doc: "values of the role field that make a teacher (case-insensitive, comma-separated; checked first)",
      isList: true,
    }),
    studentValues: variable({
      env: `${prefix}_STUDENT_VALUES`,
      schema: nonEmptyList.default(["student"]),
      doc: "values of the role field that make a student (case-insensitive, comma-separated); anything else is a student too",
      isList: true,
    }),
    graduationYear: field(
      `${prefix}_GRADUATION_YEAR_${what}`,
      defaults.graduationYear,
      "the field with the graduation year, a number or numeric string",
    ),
  };
}

interface ProfileDefaults {
  username: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  role: string;
  teacherValues: string[];
  graduationYear: string;
}

/**
 * OpenID Connect, authorization code + PKCE. Present only when DIRECTOR_OIDC_ISSUER is set; then the client id,
 * secret and redirect URL are required.
 */
export const oidcTable = {
  issuer: variable({
    env: "DIRECTOR_OIDC_ISSUER",
    schema: z.string().url(),
    doc: "the identity provider's issuer URL (OpenID Connect discovery: its `/.well-known/openid-configuration` is read on first use)",
    defaultDoc: "unset: no OpenID Connect login",
  }),
  clientId: variable({
    env: "DIRECTOR_OIDC_CLIENT_ID",
    schema: z.string().min(1),
    doc: "this client at the provider (a confidential client)",
  }),
  clientSecret: variable({
    env: "DIRECTOR_OIDC_CLIENT_SECRET",
    schema: z.string().min(8),
    doc: "the client's secret at the provider (8+ characters); it also signs the login-state cookie",
    isSecret: true,
  }),
  redirectUrl: variable({
    env: "DIRECTOR_OIDC_REDIRECT_URL",
    schema: z.string().url(),
    doc: "`https://<manager>/api/auth/oidc/callback`, as registered at the provider",
  }),
  scopes: variable({
    env: "DIRECTOR_OIDC_SCOPES",
    schema: z.string().default("openid profile email"),
    doc: "scopes asked for",
  }),
  tokenAuthMethod: tokenAuthMethod("DIRECTOR_OIDC_TOKEN_AUTH"),
  /** claims of the ID token and UserInfo, by name */
  claims: profileFields("DIRECTOR_OIDC", "CLAIM", {
    username: "preferred_username",
    name: "name",
    givenName: "given_name",
    familyName: "family_name",
    email: "email",
    role: "role",
    teacherValues: ["teacher", "staff"],
    graduationYear: "graduation_year",
  }),
};

/**
 * Plain OAuth2 (RFC 6749 authorization code, PKCE unless turned off), then a GET of the profile API with the access
 * token. Present only when DIRECTOR_OAUTH2_AUTHORIZE_URL is set. The defaults read TJHSST Ion's `/api/profile`
 * (`id`, `ion_username`, `full_name`, `first_name`, `last_name`, `tj_email`, `user_type`, `graduation_year`).
 */
export const oauth2Table = {
  authorizeUrl: variable({
    env: "DIRECTOR_OAUTH2_AUTHORIZE_URL",
    schema: z.string().url(),
    doc: "the provider's authorization endpoint, e.g. `https://ion.tjhsst.edu/oauth/authorize/`",
    defaultDoc: "unset: no OAuth2 login",
  }),
  tokenUrl: variable({
    env: "DIRECTOR_OAUTH2_TOKEN_URL",
    schema: z.string().url(),
    doc: "the provider's token endpoint, e.g. `https://ion.tjhsst.edu/oauth/token/`",
  }),
  profileUrl: variable({
    env: "DIRECTOR_OAUTH2_PROFILE_URL",
    schema: z.string().url(),
    doc: "the API that answers who the token's owner is, in JSON, e.g. `https://ion.tjhsst.edu/api/profile`",
  }),
  clientId: variable({
    env: "DIRECTOR_OAUTH2_CLIENT_ID",
    schema: z.string().min(1),
    doc: "this client at the provider (a confidential client)",
  }),
  clientSecret: variable({
    env: "DIRECTOR_OAUTH2_CLIENT_SECRET",
    schema: z.string().min(8),
    doc: "the client's secret at the provider (8+ characters); it also signs the login-state cookie",
    isSecret: true,
  }),
  redirectUrl: variable({
    env: "DIRECTOR_OAUTH2_REDIRECT_URL",
    schema: z.string().url(),
    doc: "`https://<manager>/api/auth/oidc/callback` (the same route as OpenID Connect), as registered at the provider",
  }),
  scopes: variable({
    env: "DIRECTOR_OAUTH2_SCOPES",
    schema: z.string().default("read"),
    doc: "scopes asked for (space-separated)",
  }),
  usePkce: variable({
    env: "DIRECTOR_OAUTH2_PKCE",
    schema: z.union([z.boolean(), z.stringbool()]).default(true),
    doc: "send a PKCE challenge (RFC 7636, S256); turn off only for a provider that refuses one",
  }),
  tokenAuthMethod: tokenAuthMethod("DIRECTOR_OAUTH2_TOKEN_AUTH"),
  /**
   * Fields of the profile's JSON: a key, or a dotted path into objects and lists (`emails.0.address`). A key that
   * itself has dots is found first.
   */
  fields: {
    subject: field(
      "DIRECTOR_OAUTH2_SUBJECT_PATH",
      "id",
      "the field that identifies the person for good (unlike a username, it never changes)",
    ),
    ...profileFields("DIRECTOR_OAUTH2", "PATH", {
      username: "ion_username",
      name: "full_name",
      givenName: "first_name",
      familyName: "last_name",
      email: "tj_email",
      role: "user_type",
      teacherValues: ["teacher", "counselor"],
      graduationYear: "graduation_year",
    }),
  },
};

export const oidcConfigSchema = configSchema(oidcTable);
export type OidcConfig = ConfigOf<typeof oidcTable>;
export type OAuth2Config = ConfigOf<typeof oauth2Table>;
/** How a provider's answer becomes an identity: the OAuth2 fields, or the OIDC claims with `sub` as the subject. */
export type ProfileMapping = OAuth2Config["fields"];

/** The OpenID Connect claims as a profile mapping: the subject is always `sub` (OpenID Connect Core §2). */
export function oidcProfileMapping(claims: OidcConfig["claims"]): ProfileMapping {
  return { subject: "sub", ...claims };
}
export const oauth2ConfigSchema = configSchema(oauth2Table);

/** A configuration problem no single variable shows: two identity providers at once (the login page offers one). */
export function identityProviderProblems(env: Record<string, string | undefined>): string[] {
  const isSet = (name: string) => (env[name] ?? "") !== "";
  return isSet("DIRECTOR_OIDC_ISSUER") && isSet("DIRECTOR_OAUTH2_AUTHORIZE_URL")
    ? [
        "DIRECTOR_OIDC_ISSUER and DIRECTOR_OAUTH2_AUTHORIZE_URL: set one identity provider, OpenID Connect or plain OAuth2, not both",
      ]
    : [];
}
