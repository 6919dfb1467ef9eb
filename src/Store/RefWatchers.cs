using System.Threading.Channels;

namespace IrminSharp.Store;

/// <summary>
/// Delivers ref changes to watchers, each on its own queue, in the order they were published.
/// Ref stores publish under the same lock that orders their swaps, and never block on a slow
/// watcher.
/// </summary>
public sealed class RefWatchers : IDisposable
{
    private readonly Lock gate = new();
    private readonly List<Channel<RefChange>> channels = [];

    /// <summary>Queues <paramref name="change"/> for every watcher.</summary>
    public void Publish(RefChange change)
    {
        lock (gate)
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryWrite(change);
            }
        }
    }

    /// <summary>Starts delivering later changes to <paramref name="onChange"/>; dispose to stop.</summary>
    public IDisposable Subscribe(Action<RefChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        var channel = Channel.CreateUnbounded<RefChange>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            channels.Add(channel);
        }

        var pump = Task.Run(async () =>
        {
            await foreach (var change in channel.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    onChange(change);
                }
#pragma warning disable CA1031 // A failing watcher must not stop delivery to itself or others.
                catch (Exception)
                {
                }
#pragma warning restore CA1031
            }
        });
        return new Subscription(this, channel, pump);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete();
            }

            channels.Clear();
        }
    }

    private void Remove(Channel<RefChange> channel)
    {
        lock (gate)
        {
            channels.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    private sealed class Subscription(RefWatchers owner, Channel<RefChange> channel, Task pump) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Remove(channel);
                _ = pump;
            }
        }
    }
}
