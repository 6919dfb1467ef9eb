using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IrminSharp.Sync;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// Listens to the <see cref="SyncMetrics"/> meter and sums what each instrument records, by its
/// name and tags (<c>transfers{kind=push}</c>), from the moment it is created.
/// </summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> sums = new(StringComparer.Ordinal);

    public MeasurementRecorder()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyncMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            if (tags.Length > 0)
            {
                var parts = new List<string>();
                foreach (var tag in tags)
                {
                    parts.Add($"{tag.Key}={tag.Value}");
                }

                key += "{" + string.Join(",", parts) + "}";
            }

            sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        });
        listener.Start();
    }

    /// <summary>The sum recorded for <paramref name="key"/> (name, then tags in braces), 0 if nothing was.</summary>
    public long this[string key] => sums.TryGetValue(key, out var sum) ? sum : 0;

    /// <summary>Everything recorded, one line each, for assertion messages.</summary>
    public string Dump() => string.Join("\n", sums.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} = {s.Value}"));

    public void Dispose() => listener.Dispose();
}
