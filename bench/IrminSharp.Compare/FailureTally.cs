using System.Collections.Concurrent;

namespace IrminSharp.Compare;

/// <summary>Failures of one phase: how many, and the first few messages, as they were.</summary>
internal sealed class FailureTally
{
    private const int Kept = 5;
    private readonly ConcurrentQueue<string> first = new();
    private int count;

    public int Count => Volatile.Read(ref count);

    public IReadOnlyList<string> First => [.. first];

    public void Add(string who, Exception e)
    {
        if (Interlocked.Increment(ref count) <= Kept)
        {
            first.Enqueue($"{who}: {e.GetType().Name}: {e.Message}");
        }
    }
}
