using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// Applies a pushed ref update: only to a branch or tag, only to a stored commit, by
/// compare-and-swap from the value the pusher saw; a branch fast-forward only and a tag not at all
/// unless forced, by a client granted force on the store.
/// </summary>
internal static class RefUpdater
{
    /// <summary>
    /// Refuses the <paramref name="updatesOnConnection"/>th ref update of a connection beyond
    /// <see cref="SyncLimits.MaxRefUpdatesPerConnection"/>, and the creation of a ref in a store
    /// that holds <see cref="SyncLimits.MaxRefs"/> already. Nothing is changed when it refuses.
    /// </summary>
    public static void CheckLimits(SyncStore store, RefUpdateMessage update, SyncLimits limits, int updatesOnConnection)
    {
        if (updatesOnConnection > limits.MaxRefUpdatesPerConnection)
        {
            throw new SyncException(SyncErrorKind.Refused, $"refusing to update {update.Name}: this connection has made {limits.MaxRefUpdatesPerConnection} ref updates, the most one connection may make");
        }

        if (!store.Refs.TryRead(update.Name, out _) && store.Refs.List().Count is var count && count >= limits.MaxRefs)
        {
            throw new SyncException(SyncErrorKind.Refused, $"refusing to create {update.Name}: the store holds {count} refs, the most it may hold ({limits.MaxRefs}); delete some first");
        }
    }

    public static void Apply(SyncStore store, RefUpdateMessage update, bool forceGranted)
    {
        if (!update.Name.StartsWith("heads/", StringComparison.Ordinal) && !update.Name.StartsWith("tags/", StringComparison.Ordinal))
        {
            throw new SyncException(SyncErrorKind.Refused, $"refusing to update {update.Name}: only branches (heads/) and tags (tags/) can be pushed");
        }

        // The objects arrived checked, each naming only stored objects, so a stored commit is complete.
        if (!store.Objects.TryReadCommit(update.Desired, out _))
        {
            throw new SyncException(SyncErrorKind.Refused, $"refusing to point {update.Name} at {update.Desired}: no such commit was received");
        }

        var expected = update.Expected;

        // The client's force flag counts only where it was granted force; without the grant the
        // update is applied as an ordinary one, and what only force could do is refused as such.
        var force = update.Force && forceGranted;

        // A tag names a release: it moves only when forced, even forward.
        if (!force && update.Name.StartsWith("tags/", StringComparison.Ordinal) && expected is { } tagged && tagged != update.Desired)
        {
            throw update.Force
                ? NotGranted(update.Name, $"move it from {tagged.ToShortString()}")
                : new SyncException(SyncErrorKind.Refused, $"refusing to move {update.Name} from {tagged.ToShortString()}: a tag moves only with --force");
        }

        if (force)
        {
            while (!store.Refs.CompareAndSwap(update.Name, expected, update.Desired, out var actual))
            {
                expected = actual;
            }

            return;
        }

        if (expected is { } old && !new History(store.Objects).IsAncestor(old, update.Desired))
        {
            throw update.Force
                ? NotGranted(update.Name, "rewind or rewrite it (not a fast-forward)")
                : new SyncException(SyncErrorKind.Diverged, $"{update.Name} would lose commits (not a fast-forward); fetch and merge first, or push with --force");
        }

        if (!store.Refs.CompareAndSwap(update.Name, expected, update.Desired, out var found))
        {
            SyncMetrics.PushConflict();
            throw new SyncException(SyncErrorKind.Diverged, found is null
                ? $"{update.Name} was deleted on the remote since it was read; fetch and merge first"
                : $"{update.Name} moved on the remote to {found.Value.ToShortString()} since it was read; fetch and merge first");
        }
    }

    private static SyncException NotGranted(string name, string what) =>
        new(SyncErrorKind.Unauthorized, $"refusing to force {name}: this client may push to the store but not force (it has no force grant), so it may not {what}");
}
