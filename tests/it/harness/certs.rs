//! Test certificates made with rcgen: a CA, a registry TLS leaf for 127.0.0.1 signed by it
//! (rustls refuses a CA certificate used as a server's), a client certificate by the same CA
//! (for a service that requires one), and a token-signing certificate.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};

pub struct Tls {
    pub ca_pem: PathBuf,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

/// Writes `ca.crt`, `server.crt` and `server.key` under `dir`.
pub fn tls(dir: &Path) -> Tls {
    tls_and_client(dir).0
}

/// [`tls`], and a client certificate with its key signed by the same CA: `client.crt` and
/// `client.key` under `dir`.
pub fn tls_and_client(dir: &Path) -> (Tls, PathBuf, PathBuf) {
    let ca_key = KeyPair::generate().expect("ca key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "ghcr-cli test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).expect("ca");

    let leaf_key = KeyPair::generate().expect("leaf key");
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    leaf.subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().expect("ip")));
    leaf.distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let cert = leaf.signed_by(&leaf_key, &ca).expect("leaf");

    let t = Tls {
        ca_pem: dir.join("ca.crt"),
        cert_pem: dir.join("server.crt"),
        key_pem: dir.join("server.key"),
    };
    std::fs::write(&t.ca_pem, ca.pem()).expect("write ca");
    std::fs::write(&t.cert_pem, cert.pem()).expect("write cert");
    std::fs::write(&t.key_pem, leaf_key.serialize_pem()).expect("write key");

    let client_key = KeyPair::generate().expect("client key");
    let mut client = CertificateParams::new(Vec::<String>::new()).expect("params");
    client
        .distinguished_name
        .push(DnType::CommonName, "ghcr-cli test client");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client.signed_by(&client_key, &ca).expect("client");
    let (client_pem, client_key_pem) = (dir.join("client.crt"), dir.join("client.key"));
    std::fs::write(&client_pem, client.pem()).expect("write client cert");
    std::fs::write(&client_key_pem, client_key.serialize_pem()).expect("write client key");
    (t, client_pem, client_key_pem)
}

/// A self-signed P-256 signing certificate: (PEM cert path, PKCS#8 key PEM, DER cert).
pub fn signer(dir: &Path) -> (PathBuf, String, Vec<u8>) {
    let key = KeyPair::generate().expect("signing key");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "ghcr-cli test token signer");
    let cert = params.self_signed(&key).expect("self-signed");
    let path = dir.join("token.crt");
    std::fs::write(&path, cert.pem()).expect("write token cert");
    (path, key.serialize_pem(), cert.der().to_vec())
}
