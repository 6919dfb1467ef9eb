using System.Runtime.CompilerServices;

namespace IrminSharp.Store;

/// <summary>
/// A plain re-entrant lock (a <see cref="Lock"/>) that a schedule explorer in tests can see.
/// Convert <c>lock (gate) { ... }</c> to <c>using (gate.EnterScope()) { ... }</c>.
/// </summary>
/// <remarks>
/// <para>
/// In production it is exactly a <see cref="Lock"/>, plus a null check of one static field per
/// acquisition. Under an installed <see cref="IScheduleController"/>, taking it is a scheduling
/// point, and a thread that wants it while another controlled thread holds it does not run until
/// that thread lets go, so the real lock is never contended and lock-order deadlocks are reported
/// instead of hanging.
/// </para>
/// <para>
/// It is a struct so that a leftover <c>lock (gate)</c>, which would take a different (monitor)
/// lock, does not compile. Copies share one lock. Initialize it (<c>= new()</c>): a default
/// value has no lock.
/// </para>
/// </remarks>
public readonly struct ScheduledLock : IEquatable<ScheduledLock>
{
    private readonly Lock inner;

    /// <summary>Creates a lock with no name.</summary>
    public ScheduledLock()
        : this(null)
    {
    }

    /// <summary>Creates a lock named <paramref name="name"/> in failure traces.</summary>
    public ScheduledLock(string? name)
    {
        inner = new Lock();
        Name = name ?? "lock";
    }

    /// <summary>The name shown in failure traces.</summary>
    public string Name { get; }

    /// <summary>Whether the calling thread holds the lock.</summary>
    public bool IsHeldByCurrentThread => inner.IsHeldByCurrentThread;

    /// <summary>Takes the lock, waiting as long as it takes; the same thread may take it again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter()
    {
        if (ScheduleHooks.Installed is { } controller)
        {
            controller.OnAcquiring(this);
        }

        inner.Enter();
    }

    /// <summary>Releases the lock once.</summary>
    /// <exception cref="SynchronizationLockException">The calling thread does not hold it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit()
    {
        inner.Exit();
        if (ScheduleHooks.Installed is { } controller)
        {
            controller.OnReleased(this);
        }
    }

    /// <summary>Takes the lock and returns a scope that releases it when disposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Scope EnterScope()
    {
        if (ScheduleHooks.Installed is { } controller)
        {
            controller.OnAcquiring(this);
        }

        return new Scope(this, inner.EnterScope());
    }

    /// <inheritdoc/>
    public bool Equals(ScheduledLock other) => inner == other.inner;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ScheduledLock other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => inner?.GetHashCode() ?? 0;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Whether both values are the same lock.</summary>
    public static bool operator ==(ScheduledLock left, ScheduledLock right) => left.Equals(right);

    /// <summary>Whether the values are different locks.</summary>
    public static bool operator !=(ScheduledLock left, ScheduledLock right) => !left.Equals(right);

    /// <summary>Holds a <see cref="ScheduledLock"/> until disposed, like <see cref="Lock.Scope"/>.</summary>
    public ref struct Scope
    {
        private Lock.Scope scope;
        private ScheduledLock gate;

        internal Scope(ScheduledLock gate, Lock.Scope scope)
        {
            this.gate = gate;
            this.scope = scope;
        }

        /// <summary>Releases the lock; later calls do nothing.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            var held = gate;
            if (held.inner is null)
            {
                return;
            }

            gate = default;
            scope.Dispose();
            if (ScheduleHooks.Installed is { } controller)
            {
                controller.OnReleased(held);
            }
        }
    }
}
