using System.Net;

namespace IrminSharp.Sync;

/// <summary>
/// Who may start a handshake, for a server: at most <c>MaxConcurrentHandshakes</c> at once, the
/// connections beyond waiting in a bounded queue served first come, first served, except that
/// while others wait an address holding its share of the pool waits for them
/// (docs/protocol/sync.md, "Admission and busy").
/// </summary>
internal sealed class HandshakeAdmission
{
    private readonly Lock gate = new();
    private readonly int maxRunning;
    private readonly int maxQueued;
    private readonly int sharePerAddress;
    private readonly Dictionary<IPAddress, int> runningByAddress = [];
    private readonly LinkedList<Waiter> ready = new();
    private int running;
    private int queued;

    public HandshakeAdmission(int maxRunning, int maxQueued, int sharePerAddress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRunning, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueued);
        this.maxRunning = maxRunning;
        this.maxQueued = maxQueued;
        this.sharePerAddress = Math.Max(1, sharePerAddress);
    }

    /// <summary>Connections accepted and not yet in their handshake (waiting for their first bytes or for a slot).</summary>
    public int Queued
    {
        get
        {
            lock (gate)
            {
                return queued;
            }
        }
    }

    /// <summary>Handshakes under way.</summary>
    public int Running
    {
        get
        {
            lock (gate)
            {
                return running;
            }
        }
    }

    /// <summary>Takes a place in the queue; false when it is full. A place taken is given back with <see cref="Leave"/>.</summary>
    public bool TryEnter()
    {
        lock (gate)
        {
            if (queued >= maxQueued)
            {
                return false;
            }

            queued++;
            return true;
        }
    }

    /// <summary>Gives back a place in the queue.</summary>
    public void Leave()
    {
        lock (gate)
        {
            queued--;
        }
    }

    /// <summary>
    /// Waits for a handshake slot for a connection from <paramref name="address"/> that is ready
    /// to start (its first bytes arrived): true once granted, to be given back with
    /// <see cref="Release"/>; false when <paramref name="deadline"/> is cancelled first.
    /// </summary>
    public async Task<bool> WaitForSlotAsync(IPAddress address, CancellationToken deadline)
    {
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (gate)
        {
            if (ready.Count == 0 && running < maxRunning)
            {
                Take(address);
                return true;
            }

            waiter = new Waiter(address);
            node = ready.AddLast(waiter);
        }

        await using (deadline.Register(() => Abandon(node)).ConfigureAwait(false))
        {
            return await waiter.Granted.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives back the slot of a handshake from <paramref name="address"/> that ended, and grants it to the next in the queue.</summary>
    public void Release(IPAddress address)
    {
        List<Waiter> granted = [];
        lock (gate)
        {
            running--;
            if (runningByAddress[address] == 1)
            {
                runningByAddress.Remove(address);
            }
            else
            {
                runningByAddress[address]--;
            }

            while (running < maxRunning && ready.First is { } first)
            {
                // The waiter whose address runs the fewest handshakes, first come first served
                // among equals: however many addresses stall handshakes, an address with none
                // running goes first. An address at its share never goes before another.
                var next = first;
                var fewest = int.MaxValue;
                for (var n = first; n is not null && fewest > 0; n = n.Next)
                {
                    var runningThere = runningByAddress.GetValueOrDefault(n.Value.Address);
                    if (runningThere < fewest && (runningThere < sharePerAddress || fewest == int.MaxValue))
                    {
                        next = n;
                        fewest = runningThere;
                    }
                }

                ready.Remove(next);
                Take(next.Value.Address);
                granted.Add(next.Value);
            }
        }

        foreach (var waiter in granted)
        {
            waiter.Granted.TrySetResult(true);
        }
    }

    private void Take(IPAddress address)
    {
        running++;
        runningByAddress[address] = runningByAddress.GetValueOrDefault(address) + 1;
    }

    private void Abandon(LinkedListNode<Waiter> node)
    {
        lock (gate)
        {
            if (node.List is null)
            {
                return; // granted already: the slot is the waiter's to release
            }

            ready.Remove(node);
        }

        node.Value.Granted.TrySetResult(false);
    }

    private sealed class Waiter(IPAddress address)
    {
        public IPAddress Address { get; } = address;

        public TaskCompletionSource<bool> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
