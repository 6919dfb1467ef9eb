using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using IrminSharp.Sync;
using MessagePack;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A client written directly on <see cref="SslStream"/>, bypassing <see cref="Remote"/>: TLS 1.3
/// with or without a client certificate, then a hello frame, then whatever the server answers
/// first. Shows what the server does with a peer that does not follow the client's rules.
/// </summary>
public static class RawHelloClient
{
    /// <summary>The type byte of a welcome frame (docs/protocol/sync.md).</summary>
    public const byte WelcomeType = 2;

    private const byte HelloType = 1;

    /// <summary>How far the conversation got.</summary>
    /// <param name="HandshakeCompleted">Whether the client's side of the TLS handshake completed.</param>
    /// <param name="FirstFrameType">The type byte of the server's first frame; null when none arrived.</param>
    /// <param name="Ending">How the conversation ended, for messages.</param>
    public sealed record Outcome(bool HandshakeCompleted, byte? FirstFrameType, string Ending);

    /// <summary>
    /// Connects to <paramref name="server"/> (whose certificate must have <paramref name="serverFingerprint"/>),
    /// presenting <paramref name="clientCertificate"/> (none when null), says hello for store
    /// "default" and reads the first frame; every step bounded by <paramref name="limit"/>.
    /// </summary>
    public static async Task<Outcome> SayHelloAsync(IPEndPoint server, string serverFingerprint, X509Certificate2? clientCertificate, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate is not null && SyncIdentity.FingerprintOf(certificate) == serverFingerprint,
                },
                timeout.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new Outcome(false, null, "handshake failed: " + e.Message);
        }

        try
        {
            await tls.WriteAsync(HelloFrame(), timeout.Token);
            await tls.FlushAsync(timeout.Token);
            var header = new byte[5];
            var read = 0;
            while (read < header.Length)
            {
                var n = await tls.ReadAsync(header.AsMemory(read), timeout.Token);
                if (n == 0)
                {
                    return new Outcome(true, null, $"server closed the connection after {read} bytes");
                }

                read += n;
            }

            return new Outcome(true, header[4], "frame received");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return new Outcome(true, null, "read failed: " + e.Message);
        }
    }

    /// <summary>A hello frame: protocol version 1, any schema, any content type, store "default".</summary>
    public static byte[] HelloFrame()
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(4);
        writer.Write(1);
        writer.Write("");
        writer.Write("");
        writer.Write(RemoteUrl.DefaultStore);
        writer.Flush();
        var frame = new ArrayBufferWriter<byte>();
        new FrameCodec().Write(frame, HelloType, body.WrittenSpan);
        return frame.WrittenSpan.ToArray();
    }
}
