using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// Applies a pushed ref update: only to a branch or tag, only to a stored commit, by
/// compare-and-swap from the value the pusher saw; a branch fast-forward only and a tag not at all
/// unless forced.
/// </summary>
internal static class RefUpdater
{
    public static void Apply(SyncStore store, RefUpdateMessage update)
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

        // A tag names a release: it moves only when forced, even forward.
        if (!update.Force && update.Name.StartsWith("tags/", StringComparison.Ordinal) && expected is { } tagged && tagged != update.Desired)
        {
            throw new SyncException(SyncErrorKind.Refused, $"refusing to move {update.Name} from {tagged.ToShortString()}: a tag moves only with --force");
        }

        if (update.Force)
        {
            while (!store.Refs.CompareAndSwap(update.Name, expected, update.Desired, out var actual))
            {
                expected = actual;
            }

            return;
        }

        if (expected is { } old && !new History(store.Objects).IsAncestor(old, update.Desired))
        {
            throw new SyncException(SyncErrorKind.Diverged, $"{update.Name} would lose commits (not a fast-forward); fetch and merge first, or push with --force");
        }

        if (!store.Refs.CompareAndSwap(update.Name, expected, update.Desired, out var found))
        {
            SyncMetrics.PushConflict();
            throw new SyncException(SyncErrorKind.Diverged, found is null
                ? $"{update.Name} was deleted on the remote since it was read; fetch and merge first"
                : $"{update.Name} moved on the remote to {found.Value.ToShortString()} since it was read; fetch and merge first");
        }
    }
}
