using System.Net;
using System.Net.Sockets;
using System.Text;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// What a peer sends is printed escaped: a hostile server's error text cannot clear a client's
/// screen or set its title, and a client's strings cannot do so in the server's log.
/// </summary>
public sealed class EscapeTests
{
    private const string Hostile = "\u001b[2J\u001b]0;pwned\u0007\r\nforged line\u202e";

    private static bool HasControlCharacters(string text) =>
        text.Any(c => char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);

    [Fact]
    public void Escape_ReplacesControlAndFormattingCharacters_AndKeepsTheRest()
    {
        Assert.Equal("a\\u{001B}[2Jb\\u{000A}é\\u{202E}z", PrintableText.Escape("a\u001b[2Jb\né\u202ez"));
        Assert.Equal("plain text, ünïcödé 😀", PrintableText.Escape("plain text, ünïcödé 😀"));
    }

    [Fact]
    public async Task A_hostile_server_error_reaches_the_client_escaped()
    {
        await using var peer = new ScriptedPeer(async link =>
        {
            await link.ExpectAsync(HandBuiltMessage.Hello);
            await link.SendAsync(HandBuiltMessage.Error, HandBuiltMessage.ErrorBody("refused", Hostile));
        });
        using var client = SyncFixture.CounterRepository();
        var e = await Assert.ThrowsAsync<SyncException>(() => peer.Remote().FetchAsync(SyncStore.Of(client)));
        Assert.False(HasControlCharacters(e.Message), e.Message);
        Assert.Contains("\\u{001B}[2J", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_store_name_reaches_the_server_log_escaped()
    {
        await using var fx = new SyncFixture();
        using var server = SyncFixture.CounterRepository();
        var endPoint = fx.Serve(SyncStore.Of(server));
        var remote = new Remote("origin", new RemoteUrl("127.0.0.1", endPoint.Port, "x" + Hostile.Replace("/", string.Empty, StringComparison.Ordinal)), new RemoteOptions
        {
            Identity = fx.ClientIdentity,
            ServerFingerprint = fx.ServerIdentity.Fingerprint,
            Limits = SyncLimits.Default,
        });
        using var client = SyncFixture.CounterRepository();
        await Assert.ThrowsAsync<SyncException>(() => remote.FetchAsync(SyncStore.Of(client)));
        var line = await ServerLogWait.ForLineAsync(fx.ServerLog, "pwned", TimeSpan.FromSeconds(10));
        Assert.NotNull(line);
        lock (fx.ServerLog)
        {
            Assert.All(fx.ServerLog, l => Assert.False(HasControlCharacters(l), l));
        }
    }
}
