using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A device identity whose certificate is issued by a CA nobody has, with an Authority
/// Information Access extension naming where to download that CA: a TLS stack that builds chains
/// online fetches the URL while validating the certificate.
/// </summary>
internal static class CertificateWithAia
{
    /// <summary>Writes such an identity to <paramref name="path"/> and loads it.</summary>
    public static SyncIdentity Create(string path, Uri caIssuers)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=an unknown CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=a device with an AIA extension", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [caIssuers.ToString()]));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return SyncIdentity.Load(path);
    }
}
