using System.Net;
using System.Net.Sockets;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A fake server on 127.0.0.1 speaking plain TCP (clients connect with
/// <see cref="RemoteOptions.InsecureLoopback"/>): it accepts one connection and runs a script on
/// it, frame by frame, so a test can make it misbehave at an exact point of the protocol.
/// </summary>
public sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly TcpListener listener;
    private readonly Func<PeerLink, Task> script;

    public ScriptedPeer(Func<PeerLink, Task> script)
    {
        this.script = script;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        EndPoint = (IPEndPoint)listener.LocalEndpoint;
        Finished = RunAsync();
    }

    /// <summary>Where the client connects.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The script's run: faults if the script failed (an assertion about what the client sent, say).</summary>
    public Task Finished { get; }

    /// <summary>A remote "origin" for this peer, over plain TCP, making one attempt only (the script serves one connection).</summary>
    public Remote Remote(SyncLimits? limits = null) =>
        new("origin", new RemoteUrl("127.0.0.1", EndPoint.Port, RemoteUrl.DefaultStore), new RemoteOptions
        {
            InsecureLoopback = true,
            Limits = limits ?? SyncLimits.Default,
            Timeout = TimeSpan.Zero,
        });

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await Finished.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync()
    {
        Socket socket;
        try
        {
            socket = await listener.AcceptSocketAsync().WaitAsync(PeerLink.ReadTimeout);
        }
        finally
        {
            listener.Stop();
        }

        await using var link = new PeerLink(socket);
        await script(link);
    }
}
