/** The router's ports for certificates (ACME): small interfaces implemented in adapters/. */
import type { Hostname } from "@director/domain/hostname";
import type { AcmeChallengeToken } from "./acme-challenge.js";

/** Where the edge nginx serves HTTP-01 key authorizations from (`/.well-known/acme-challenge/<token>`). */
export interface ChallengeDirectory {
  /** Publishes `keyAuthorization` as the body of the token's URL; replaces a previous one. */
  put(token: AcmeChallengeToken, keyAuthorization: string): Promise<void>;
  /** Withdraws the token; no-op when absent. */
  remove(token: AcmeChallengeToken): Promise<void>;
}

/** A certificate and its private key, as PEM text. */
export interface CertificatePair {
  /** the leaf certificate followed by the intermediates (what nginx's `ssl_certificate` wants) */
  certificatePem: string;
  keyPem: string;
}

/** A certificate a certificate authority just issued. */
export interface IssuedCertificate extends CertificatePair {
  notAfter: Date;
}

/** A certificate as kept on disk, with its validity read back from the certificate itself. */
export interface StoredCertificate extends CertificatePair {
  notBefore: Date;
  notAfter: Date;
}

/** The absolute file paths of a hostname's certificate, for nginx's `ssl_certificate` / `ssl_certificate_key`. */
export interface CertificatePaths {
  certificatePath: string;
  keyPath: string;
}

/** Obtains certificates from a certificate authority. */
export interface CertificateIssuer {
  /** Proves control of `hostname` and returns a new certificate and key for it. */
  issue(hostname: Hostname): Promise<IssuedCertificate>;
}

/** Keeps one certificate per hostname where nginx reads it. */
export interface CertificateStore {
  /** Writes (or replaces) the hostname's certificate and key. */
  put(hostname: Hostname, pair: CertificatePair): Promise<void>;
  /** The hostname's certificate, or null when there is none. */
  read(hostname: Hostname): Promise<StoredCertificate | null>;
  /** Deletes the hostname's certificate and key; no-op when absent. */
  remove(hostname: Hostname): Promise<void>;
  /** Every hostname with a certificate directory, sorted. */
  list(): Promise<Hostname[]>;
  /** Where the hostname's files are (whether or not they exist yet). */
  paths(hostname: Hostname): CertificatePaths;
}
