using System.Security.Cryptography.X509Certificates;
using ObjectStore.Silo.Configuration;
using Orleans.Connections.Security;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// <c>cluster.tls</c>: mutual TLS on Orleans' silo-to-silo and client gateway connections. Every silo and client of a
/// cluster presents the one cluster certificate, and accepts a peer only when it presents that same certificate (its
/// thumbprint is pinned), so a process without the certificate's private key can neither join nor call grains. A
/// self-signed certificate is enough; the platform's chain checks are not what grants access here.
/// </summary>
internal static class ClusterTls
{
    /// <summary>Loads the configured certificate (with its private key).</summary>
    public static X509Certificate2 Load(ClusterTlsOptions options) =>
        X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.Password, X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>Requires a peer certificate on both sides and accepts only <paramref name="certificate"/> itself.</summary>
    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        var pinned = certificate.Thumbprint;
        options.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && string.Equals(remote.Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
    }
}
