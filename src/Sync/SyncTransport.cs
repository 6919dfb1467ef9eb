using System.ComponentModel;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace IrminSharp.Sync;

/// <summary>
/// Opens connections: TCP, then TLS 1.3 with certificates on both sides checked against pinned
/// fingerprints. Plain TCP only between loopback addresses, and only when asked for.
/// </summary>
internal static class SyncTransport
{
    public static async Task<SyncConnection> ConnectAsync(RemoteUrl url, RemoteOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var peer = url.ToString();
        var client = options.LocalAddress is { } local ? new TcpClient(new IPEndPoint(local, 0)) { NoDelay = true } : new TcpClient { NoDelay = true };
        try
        {
            IPAddress[] addresses;
            try
            {
                addresses = await Dns.GetHostAddressesAsync(url.Host, timeout.Token).ConfigureAwait(false);
                await client.ConnectAsync(addresses, url.Port, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SyncException(SyncErrorKind.Unreachable, $"cannot reach {peer}: no answer in {options.ConnectTimeout.TotalSeconds:0.#} s");
            }
            catch (SocketException e)
            {
                throw new SyncException(SyncErrorKind.Unreachable, $"cannot reach {peer}: {e.Message}", e);
            }

            var wire = new CountingStream(client.GetStream());

            // A busy server answers with a plain-text line instead of TLS or the first frame.
            var sniffer = new BusySniffingStream(wire, peer);
            if (options.InsecureLoopback)
            {
                if (!IPAddress.IsLoopback(((IPEndPoint)client.Client.RemoteEndPoint!).Address))
                {
                    throw new SyncException(SyncErrorKind.Refused, $"--insecure-loopback is refused for {peer}: plain TCP is allowed only to a loopback address");
                }

                return new SyncConnection(sniffer, wire, options.Limits, peer);
            }

            var identity = options.Identity ?? throw new ArgumentException("a client identity (certificate) is required for TLS");
            var pinned = options.ServerFingerprint is { } fp
                ? SyncIdentity.NormalizeFingerprint(fp)
                : throw new ArgumentException($"the server's certificate fingerprint is required to connect to {peer} (run 'irmin cert' on the server)");
            string? presented = null;
            var tls = new SslStream(sniffer, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = url.Host,
                        EnabledSslProtocols = SslProtocols.Tls13,
                        ClientCertificateContext = identity.CertificateContext,
                        CertificateChainPolicy = OfflineChainPolicy(),
                        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        {
                            presented = certificate is null ? null : SyncIdentity.FingerprintOf(certificate);
                            return presented == pinned;
                        },
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                if (sniffer.Busy is { } busy && !cancellationToken.IsCancellationRequested)
                {
                    throw busy;
                }

                if (e is not (AuthenticationException or IOException or OperationCanceledException) || cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                if (presented is not null && presented != pinned)
                {
                    throw new SyncException(SyncErrorKind.Unauthorized, $"{peer} presented certificate {presented}, not the pinned {pinned}", e);
                }

                throw e switch
                {
                    // The peer refused (a TLS alert): a certificate problem, not worth retrying.
                    AuthenticationException => new SyncException(SyncErrorKind.Unauthorized, $"TLS handshake with {peer} failed: {e.Message}", e),
                    OperationCanceledException => new SyncException(SyncErrorKind.Timeout, $"TLS handshake with {peer} did not finish in {options.ConnectTimeout.TotalSeconds:0.#} s", e),

                    // The connection broke: worth retrying.
                    _ => new SyncException(SyncErrorKind.Unreachable, $"connection to {peer} lost during the TLS handshake: {e.Message}", e),
                };
            }

            return new SyncConnection(tls, wire, options.Limits, peer);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The server side of a new connection; null (and the socket closed) when the client fails the
    /// handshake or is not on the allow list.
    /// </summary>
    public static async Task<SyncConnection?> AcceptAsync(TcpClient client, SyncServerOptions options, HashSet<string> allowed, CancellationToken cancellationToken)
    {
        var endpoint = client.Client.RemoteEndPoint?.ToString() ?? "client";
        client.NoDelay = true;
        var wire = new CountingStream(client.GetStream());
        if (options.InsecureLoopback)
        {
            return new SyncConnection(wire, wire, options.Limits, endpoint);
        }

        string? presented = null;
        var tls = new SslStream(wire, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Limits.HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = options.Identity!.CertificateContext,
                    ClientCertificateRequired = true,
                    AllowTlsResume = false, // no session tickets: every connection authenticates by certificate
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateChainPolicy = OfflineChainPolicy(),
                    // No certificate: the handshake fails. A certificate not on the allow list
                    // completes it, to be told so in an error message before anything else.
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        presented = certificate is null ? null : SyncIdentity.FingerprintOf(certificate);
                        return presented is not null;
                    },
                },
                timeout.Token).ConfigureAwait(false);
            var connection = new SyncConnection(tls, wire, options.Limits, endpoint + " (" + presented![..16] + "…)") { ClientFingerprint = presented };
            if (!allowed.Contains(presented))
            {
                options.Log?.Invoke($"refused {endpoint}: certificate {presented} is not on the allow list");
                await RefuseAsync(connection, $"this server does not allow certificate {presented}; grant it access on the server (--allow, --allow-read or --config)", cancellationToken).ConfigureAwait(false);
                client.Dispose();
                return null;
            }

            return connection;
        }
        catch (Exception e)
        {
            if (e is not (AuthenticationException or IOException or OperationCanceledException or Win32Exception))
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            // "presented is null" is also a handshake that never got as far as certificates
            // (a plain-TCP client, a timeout), so the log says what is known and no more.
            options.Log?.Invoke(presented is null
                ? $"refused {endpoint}: TLS handshake failed without a client certificate ({e.Message})"
                : $"refused {endpoint}: TLS handshake failed ({e.Message})");
            await tls.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            return null;
        }
    }

    private static async Task RefuseAsync(SyncConnection connection, string message, CancellationToken cancellationToken)
    {
        try
        {
            MessageCodec.Write(connection.StartBody(), new ErrorMessage(SyncErrorKind.Unauthorized, message));
            await connection.SendAsync(MessageType.Error, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncException)
        {
            // The client is gone already.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The chain policy of both ends: peers are identified by pinned fingerprints, not by chains,
    /// so building a chain must never reach the network. Without this, .NET downloads missing
    /// issuers from the Authority Information Access address in the peer's certificate (and
    /// revocation lists), letting an unauthenticated client make a server fetch any URL, and
    /// stall its handshake.
    /// </summary>
    private static X509ChainPolicy OfflineChainPolicy() => new()
    {
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
        UrlRetrievalTimeout = TimeSpan.Zero,
    };
}
