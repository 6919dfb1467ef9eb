using IrminSharp.Backends.Block;
using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// The refs states a sweep's workload acknowledged, each with the device's mark as it returned,
/// and the check every crash image must pass against them: it opens with fsck clean, at an
/// acknowledged state no older than the last one its crash point covers.
/// </summary>
internal sealed class AcknowledgedRefs
{
    private readonly List<(DeviceMark Mark, Dictionary<string, Hash> Refs)> states = [];

    /// <summary>The mark of the first state: crash points before it need not hold anything.</summary>
    public DeviceMark First => states[0].Mark;

    /// <summary>Notes the refs as they are now, acknowledged at the device's current mark.</summary>
    public void Capture(PackStore pack, MemoryBlockDevice device) =>
        states.Add((device.Mark(), pack.Refs.List().ToDictionary(r => r.Key, r => r.Value)));

    /// <summary>Opens <paramref name="image"/> with <paramref name="options"/> and checks it against the states <paramref name="point"/> covers.</summary>
    public void Check(byte[] image, CrashPoint point, PackOptions options, string label)
    {
        var lastAck = states.FindLastIndex(a => point.Covers(a.Mark));
        if (lastAck < 0)
        {
            return;
        }

        using var pack = PackFixture.Reopen(image, options);
        var fsck = pack.Fsck(NativeSchema.Instance);
        Assert.True(fsck.IsClean, $"{label}: fsck: {string.Join("; ", fsck.Problems)}");
        var refs = pack.Refs.List().ToDictionary(r => r.Key, r => r.Value);
        Assert.True(
            states.Skip(lastAck).Any(a => a.Refs.Count == refs.Count && a.Refs.All(p => refs.TryGetValue(p.Key, out var v) && v == p.Value)),
            $"{label}: the recovered refs are no acknowledged state at or after #{lastAck}");
    }
}
