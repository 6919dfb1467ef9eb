using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;
using Xunit;
using Xunit.Abstractions;

namespace IrminSharp.Store.Tests;

public sealed class DetachedHeadWatchTests(ITestOutputHelper output)
{
    private static Repository<string> Strings() => MemoryRepository.Create(StringContents.Instance);

    [Fact]
    public async Task Set_WatcherThrows_WriterAndOtherWatchersUnaffected()
    {
        using var repo = Strings();
        var detached = repo.Detached();
        var seen = new List<Hash>();
        var done = new TaskCompletionSource();
        using var failing = detached.Watch(_ => throw new InvalidOperationException("a failing watcher"));
        using var healthy = detached.Watch(change =>
        {
            lock (seen)
            {
                seen.Add(change.New!.Hash);
                if (seen.Count == 2)
                {
                    done.TrySetResult();
                }
            }
        });

        var first = detached.Set("a", "1");
        var second = detached.Transact(tx => tx.Set("b", "2"))!;

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(second.Hash, detached.HeadHash);
        Assert.Equal([first.Hash, second.Hash], seen);
    }

    [Fact]
    public async Task Transact_ManyThreads_WatcherSeesOneChainInOrder()
    {
        using var repo = Strings();
        var detached = repo.Detached();
        const int Writers = 4;
        const int Writes = 50;
        var changes = new List<(Hash? Old, Hash New)>();
        var concurrent = 0;
        var overlapped = false;
        var done = new TaskCompletionSource();
        using var watch = detached.Watch(change =>
        {
            if (Interlocked.Increment(ref concurrent) > 1)
            {
                overlapped = true;
            }

            Thread.Yield();
            lock (changes)
            {
                changes.Add((change.Old?.Hash, change.New!.Hash));
                if (changes.Count == Writers * Writes)
                {
                    done.TrySetResult();
                }
            }

            Interlocked.Decrement(ref concurrent);
        });
        var options = new TransactionOptions { MaxRetries = 1_000_000 };
        var attempts = 0;
        using var start = new Barrier(Writers);
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            var first = true;
            for (var i = 0; i < Writes; i++)
            {
                var step = i;
                detached.Transact(
                    tx =>
                    {
                        Interlocked.Increment(ref attempts);
                        tx.Set($"w{w}/{step}", "v");
                        if (first)
                        {
                            // Every writer's first attempt holds its view of the head a while, so
                            // that they overlap even on an idle machine: all but one must retry.
                            first = false;
                            Thread.Sleep(50);
                        }
                    },
                    options);
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(changes[0].Old);
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.True(changes[i - 1].New == changes[i].Old, $"change {i} does not continue from change {i - 1}");
        }

        Assert.Equal(detached.HeadHash, changes[^1].New);
        Assert.False(overlapped, "a watcher was called on two threads at once");

        // The hard case happened: some transaction lost the race for the head and ran again.
        output.WriteLine($"{Writers * Writes} transactions took {attempts} attempts");
        Assert.True(attempts > Writers * Writes, "no transaction lost a race for the head: the writers never overlapped");
    }
}
