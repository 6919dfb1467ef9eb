using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// A device's identity for sync: a self-signed certificate with its private key, kept in a
/// PKCS#12 file readable only by its owner. Peers know each other by the certificate's
/// fingerprint (SHA-256 of its DER bytes, 64 lowercase hex digits).
/// </summary>
public sealed class SyncIdentity : IDisposable
{
    private readonly Lazy<SslStreamCertificateContext> context;

    private SyncIdentity(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Fingerprint = FingerprintOf(certificate);
        context = new Lazy<SslStreamCertificateContext>(() => SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true));
    }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate prepared for TLS handshakes, built once and shared by every connection.</summary>
    internal SslStreamCertificateContext CertificateContext => context.Value;

    /// <summary>The certificate's fingerprint, which peers put on their allow lists.</summary>
    public string Fingerprint { get; }

    /// <summary>The default place of the identity: <c>$IRMIN_IDENTITY</c>, else <c>~/.config/irmin/identity.p12</c>.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("IRMIN_IDENTITY") is { Length: > 0 } path
            ? path
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } config
                    ? config
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
                "irmin",
                "identity.p12");

    /// <summary>The fingerprint of a certificate: SHA-256 of its DER encoding, lowercase hex.</summary>
    public static string FingerprintOf(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
    }

    /// <summary>
    /// A fingerprint as typed by a person (any case, colons allowed) in canonical form; throws
    /// <see cref="ArgumentException"/> when it is not 32 bytes of hex.
    /// </summary>
    public static string NormalizeFingerprint(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var hex = fingerprint.Replace(":", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit))
        {
            throw new ArgumentException($"'{fingerprint}' is not a certificate fingerprint (64 hex digits, as 'irmin cert' prints)");
        }

        return hex;
    }

    /// <summary>Loads the identity at <paramref name="path"/>, creating a new one there if there is none.</summary>
    public static SyncIdentity LoadOrCreate(string path, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        // The subject is sent in the clear before the peer is authorized: it names nothing of the
        // machine (the fingerprint is the identity).
        return File.Exists(path) ? Load(path) : Create(path, subject ?? "irmin");
    }

    /// <summary>
    /// Loads the identity at <paramref name="path"/>. On Unix, refuses a file that its group or
    /// others may read or write, as ssh refuses such a key: the file holds the private key. On
    /// Linux, also refuses a file owned by another user than the one running (root included): its
    /// owner may read it or put another key in its place whatever its mode.
    /// </summary>
    /// <exception cref="IrminException">The file cannot be read, others may read it, or another user owns it.</exception>
    public static SyncIdentity Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsLinux() && File.Exists(path) && FileOwner.OwnerOf(path) is { } owner && owner != FileOwner.CurrentUser())
        {
            var user = FileOwner.CurrentUser();
            throw new IrminException(
                $"the identity at {path} holds a private key but is owned by user {owner}, not by the user running irmin ({user}); run as its owner, or: chown {user} {path}");
        }

        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            var mode = File.GetUnixFileMode(path);
            if ((mode & others) != 0)
            {
                throw new IrminException(
                    $"the identity at {path} holds a private key but others may access it (mode {Convert.ToString((int)mode, 8)}); run: chmod 600 {path}");
            }
        }

        try
        {
            return new SyncIdentity(X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.Exportable));
        }
        catch (CryptographicException e)
        {
            throw new IrminException($"the identity at {path} cannot be read: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Certificate.Dispose();

    private static SyncIdentity Create(string path, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + subject.Replace(",", " ", StringComparison.Ordinal)), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(30));
        var pfx = certificate.Export(X509ContentType.Pkcs12);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the key is secret
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(pfx);
            file.Flush(flushToDisk: true);
        }

        // Two processes creating at once: the first rename wins and both load the winner.
        if (File.Exists(path))
        {
            File.Delete(temporary);
        }
        else
        {
            File.Move(temporary, path);
        }

        return Load(path);
    }
}
