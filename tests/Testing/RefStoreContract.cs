using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Testing;

/// <summary>The behaviour every <see cref="IRefStore"/> owes; each backend's tests inherit it.</summary>
public abstract class RefStoreContract
{
    private static readonly Hash A = Hash.ComputeBlake3([1]);
    private static readonly Hash B = Hash.ComputeBlake3([2]);
    private static readonly Hash C = Hash.ComputeBlake3([3]);

    /// <summary>
    /// The encoded objects whose hashes the tests set refs to (each hash is BLAKE3 of its bytes),
    /// for a ref store that refuses to name an object its pack does not hold.
    /// </summary>
    protected static IEnumerable<byte[]> Targets => new[] { 1, 2, 3 }.Concat(Enumerable.Range(10, 16)).Select(b => new[] { (byte)b });

    protected abstract IRefStore CreateStore();

    [Fact]
    public void CompareAndSwap_CreateMoveDelete()
    {
        using var refs = CreateStore();
        Assert.False(refs.TryRead("heads/main", out _));
        Assert.True(refs.CompareAndSwap("heads/main", null, A, out _));
        Assert.True(refs.TryRead("heads/main", out var value));
        Assert.Equal(A, value);
        Assert.True(refs.CompareAndSwap("heads/main", A, B, out _));
        Assert.True(refs.CompareAndSwap("heads/main", B, null, out _));
        Assert.False(refs.TryRead("heads/main", out _));
    }

    [Fact]
    public void CompareAndSwap_WrongExpectation_FailsAndReportsTheActualValue()
    {
        using var refs = CreateStore();
        refs.CompareAndSwap("heads/x", null, A, out _);
        Assert.False(refs.CompareAndSwap("heads/x", B, C, out var actual));
        Assert.Equal(A, actual);
        Assert.False(refs.CompareAndSwap("heads/x", null, C, out actual));
        Assert.Equal(A, actual);
        Assert.True(refs.TryRead("heads/x", out var value));
        Assert.Equal(A, value);
    }

    [Fact]
    public void CompareAndSwapAll_AppliesEverySwapOrNone()
    {
        using var refs = CreateStore();
        refs.CompareAndSwap("tags/kept", null, A, out _);
        Assert.False(refs.CompareAndSwapAll([new RefSwap("heads/new", null, B), new RefSwap("tags/kept", B, C)]));
        Assert.False(refs.TryRead("heads/new", out _));
        Assert.True(refs.TryRead("tags/kept", out var kept));
        Assert.Equal(A, kept);
        Assert.True(refs.CompareAndSwapAll([new RefSwap("heads/new", null, B), new RefSwap("tags/kept", A, null), new RefSwap("tags/other", null, C)]));
        Assert.Equal(
            [new KeyValuePair<string, Hash>("heads/new", B), new KeyValuePair<string, Hash>("tags/other", C)],
            refs.List());
        Assert.Throws<ArgumentException>(() => refs.CompareAndSwapAll([new RefSwap("heads/x", null, A), new RefSwap("heads/x", null, B)]));
        Assert.False(refs.TryRead("heads/x", out _));
    }

    [Fact]
    public async Task CompareAndSwapAll_IsWatchedAsOneChangePerRef()
    {
        using var refs = CreateStore();
        var seen = new List<RefChange>();
        var two = new TaskCompletionSource();
        using var watch = refs.Watch(change =>
        {
            lock (seen)
            {
                seen.Add(change);
                if (seen.Count == 2)
                {
                    two.TrySetResult();
                }
            }
        });
        Assert.True(refs.CompareAndSwapAll([new RefSwap("tags/a", null, A), new RefSwap("tags/b", null, B), new RefSwap("tags/c", null, null)]));
        await two.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([new RefChange("tags/a", null, A), new RefChange("tags/b", null, B)], seen);
    }

    [Fact]
    public void List_ByPrefix_IsSorted()
    {
        using var refs = CreateStore();
        refs.CompareAndSwap("heads/b", null, A, out _);
        refs.CompareAndSwap("heads/a", null, B, out _);
        refs.CompareAndSwap("tags/v1", null, C, out _);
        Assert.Equal(["heads/a", "heads/b"], refs.List("heads/").Select(r => r.Key));
        Assert.Equal(3, refs.List().Count);
    }

    [Fact]
    public void ConcurrentSwaps_ExactlyOneWinsEachRound()
    {
        using var refs = CreateStore();
        refs.CompareAndSwap("heads/race", null, A, out _);
        var wins = 0;
        Parallel.For(0, 16, i =>
        {
            if (refs.CompareAndSwap("heads/race", A, Hash.ComputeBlake3([(byte)(10 + i)]), out _))
            {
                Interlocked.Increment(ref wins);
            }
        });
        Assert.Equal(1, wins);
    }

    [Fact]
    public async Task Watch_SeesChangesInOrder_UntilDisposed()
    {
        using var refs = CreateStore();
        var seen = new List<RefChange>();
        var three = new TaskCompletionSource();
        var watch = refs.Watch(change =>
        {
            lock (seen)
            {
                seen.Add(change);
                if (seen.Count == 3)
                {
                    three.TrySetResult();
                }
            }
        });
        refs.CompareAndSwap("heads/w", null, A, out _);
        refs.CompareAndSwap("heads/w", A, B, out _);
        refs.CompareAndSwap("heads/w", B, null, out _);
        await three.Task.WaitAsync(TimeSpan.FromSeconds(10));
        watch.Dispose();
        refs.CompareAndSwap("heads/w", null, C, out _);
        await Task.Delay(100);
        Assert.Equal(
            [new RefChange("heads/w", null, A), new RefChange("heads/w", A, B), new RefChange("heads/w", B, null)],
            seen);
    }
}
