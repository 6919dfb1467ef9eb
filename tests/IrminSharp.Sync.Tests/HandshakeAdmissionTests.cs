using System.Net;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Who gets a freed handshake slot: with stalled handshakes from several addresses (each under
/// its share), an address running none still goes first (the red team locked a fleet out with
/// four addresses when slots went first come, first served among addresses under their share).
/// </summary>
public sealed class HandshakeAdmissionTests
{
    [Fact]
    public async Task A_freed_slot_goes_to_the_address_running_the_fewest_handshakes()
    {
        var admission = new HandshakeAdmission(maxRunning: 8, maxQueued: 1000, sharePerAddress: 4);
        var attackers = Enumerable.Range(1, 4).Select(i => IPAddress.Parse($"127.0.9.{i}")).ToList();
        using var never = new CancellationTokenSource();

        // Four addresses hold two slots each (the whole pool), and queue more behind.
        foreach (var a in attackers)
        {
            Assert.True(await admission.WaitForSlotAsync(a, never.Token));
            Assert.True(await admission.WaitForSlotAsync(a, never.Token));
        }

        var queuedAttackers = attackers.SelectMany(a => Enumerable.Range(0, 5).Select(_ => admission.WaitForSlotAsync(a, never.Token))).ToList();
        var honest = admission.WaitForSlotAsync(IPAddress.Parse("127.0.0.1"), never.Token);
        Assert.False(honest.IsCompleted);

        // One stalled handshake ends: its slot goes to the honest address, queued last.
        admission.Release(attackers[0]);
        Assert.True(await honest.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(100);
        Assert.All(queuedAttackers, t => Assert.False(t.IsCompleted));
        await never.CancelAsync();
    }
}
