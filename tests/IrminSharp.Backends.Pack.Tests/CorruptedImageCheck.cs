using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack.Tests;

/// <summary>
/// Opens a damaged image of a <see cref="CorruptionStore"/> read-only and read-write, reads
/// everything through the normal API, and holds every read to a specific outcome: exactly the
/// right bytes or values, or a <see cref="CorruptDataException"/> naming the object, or (a damaged
/// superblock or root) an earlier acknowledged state announced by <see cref="PackStore.RecoveryNote"/>.
/// Anything else (another exception, wrong bytes, a missing object) is a failure, thrown as
/// <see cref="Xunit.Sdk.XunitException"/> with <c>what</c> in its message.
/// </summary>
internal sealed class CorruptedImageCheck(CorruptionStore truth)
{
    private readonly string[] hashNames = truth.Objects.Keys.Select(h => h.ToString()).ToArray();

    /// <summary>Checks one damaged image; true when the damage was detected (refused, announced, or reported).</summary>
    /// <param name="image">The damaged image; left unchanged.</param>
    /// <param name="region">What the damaged bytes belong to, or null when the store does not use them.</param>
    /// <param name="what">Names the damage in failure messages.</param>
    /// <param name="thorough">
    /// Also open it read-write (on a copy) and read everything again, and enumerate the whole tree
    /// of every commit (else only of the refs' commits: the other commits' trees are then read
    /// object by object, each node and value checked against the truth).
    /// </param>
    public bool Check(byte[] image, ImageRegion? region, string what, bool thorough = true)
    {
        var detected = CheckOpen(image, readOnly: true, thorough, region, what);
        if (thorough)
        {
            detected |= CheckOpen((byte[])image.Clone(), readOnly: false, everyTree: true, region, what);
        }

        return detected;
    }

    private bool CheckOpen(byte[] image, bool readOnly, bool everyTree, ImageRegion? region, string what)
    {
        var mode = readOnly ? "read-only" : "read-write";
        PackStore pack;
        try
        {
            pack = PackStore.Open(MemoryBlockDevice.FromImage(image, PackFixture.Sector, recordWrites: false), new PackOptions { ReadOnly = readOnly }, "damaged pack");
        }
        catch (CorruptDataException e)
        {
            Require(e.Message.Length > 20, what, mode, $"open refused with an empty message: {e.Message}");
            return true;
        }
        catch (Exception e)
        {
            throw Fail(what, mode, $"open threw {e.GetType().Name}, not CorruptDataException: {e.Message}");
        }

        using (pack)
        {
            var detected = pack.RecoveryNote is not null;
            var refs = CorruptionStore.RefsOf(pack);
            var acknowledged = detected
                ? truth.States.Any(s => CorruptionStore.SameRefs(s, refs))
                : CorruptionStore.SameRefs(truth.States[^1], refs);
            Require(acknowledged, what, mode, detected
                ? $"fell back ({pack.RecoveryNote}) to refs that are no acknowledged state: {string.Join(", ", refs)}"
                : $"opened without a note but the refs differ from the last acknowledged state: {string.Join(", ", refs)}");
            Require(region is not { IsSuperblock: true } || detected, what, mode, "a damaged superblock copy went unannounced (no RecoveryNote)");

            detected |= ReadRawObjects(pack, fellBack: pack.RecoveryNote is not null, what, mode);
            detected |= ReadHistory(pack, refs, everyTree, what, mode);
            if (readOnly)
            {
                detected |= CheckFsck(pack, region, what);
            }

            return detected;
        }
    }

    /// <summary>Every object of the truth through the object store: its exact bytes, or a named error.</summary>
    private bool ReadRawObjects(PackStore pack, bool fellBack, string what, string mode)
    {
        var detected = false;
        foreach (var (hash, bytes) in truth.Objects)
        {
            try
            {
                if (pack.Objects.TryRead(hash, out var got))
                {
                    Require(got.Span.SequenceEqual(bytes), what, mode, $"object {hash} read back wrong bytes");
                }
                else
                {
                    // Only an older root may lack an object of the final state.
                    Require(fellBack, what, mode, $"object {hash} is missing, with no error and no note");
                }
            }
            catch (CorruptDataException e)
            {
                Require(e.Object == hash || e.Message.Contains(hash.ToString(), StringComparison.Ordinal), what, mode, $"reading object {hash} failed with an error that does not name it: {e.Message}");
                detected = true;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw Fail(what, mode, $"reading object {hash} threw {e.GetType().Name}: {e.Message}");
            }
        }

        return detected;
    }

    /// <summary>
    /// Every commit reachable from every ref through the repository, and each one's whole tree (or,
    /// unless <paramref name="everyTree"/>, the refs' trees whole and every other object typed:
    /// nodes and inner nodes decoded and hashed again, values decoded and compared).
    /// </summary>
    private bool ReadHistory(PackStore pack, Dictionary<string, Hash> refs, bool everyTree, string what, string mode)
    {
        var detected = false;
        using var repo = PackFixture.Repo(pack);
        var seen = new HashSet<Hash>();
        var pending = new Stack<Hash>(refs.Values);
        while (pending.Count > 0)
        {
            var hash = pending.Pop();
            if (!seen.Add(hash))
            {
                continue;
            }

            Require(truth.Contents.ContainsKey(hash), what, mode, $"a ref or parent names {hash}, which is no commit of the store");
            try
            {
                var commit = repo.GetCommit(hash);
                Require(commit.Hash == hash, what, mode, $"commit {hash} read as {commit.Hash}");
                foreach (var parent in commit.Parents)
                {
                    pending.Push(parent);
                }

                if (everyTree || refs.ContainsValue(hash))
                {
                    var contents = CorruptionStore.ContentsOf(repo, hash);
                    var expected = truth.Contents[hash];
                    Require(contents.Count == expected.Count && contents.All(p => expected.TryGetValue(p.Key, out var v) && v == p.Value), what, mode, $"commit {hash} read back wrong contents");
                }
            }
            catch (CorruptDataException e)
            {
                Require(e.Object is not null || hashNames.Any(n => e.Message.Contains(n, StringComparison.Ordinal)), what, mode, $"reading commit {hash} failed with an error that names no object: {e.Message}");
                detected = true;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw Fail(what, mode, $"reading commit {hash} threw {e.GetType().Name}: {e.Message}");
            }
        }

        if (!everyTree)
        {
            detected |= ReadTypedObjects(repo, fellBack: pack.RecoveryNote is not null, what, mode);
        }

        return detected;
    }

    /// <summary>Every node and value of the truth through the repository's object database.</summary>
    private bool ReadTypedObjects(Repository<long> repo, bool fellBack, string what, string mode)
    {
        var detected = false;
        var db = repo.Objects;
        foreach (var (hash, bytes) in truth.Objects)
        {
            try
            {
                switch (db.Schema.KindOf(bytes, hash))
                {
                    case ObjectKind.Node or ObjectKind.Inode:
                        Require(db.HashNode(db.ReadNode(hash)) == hash, what, mode, $"node {hash} read back as another node");
                        break;
                    case ObjectKind.Contents:
                        Require(db.ReadContents(hash).Span.SequenceEqual(db.Schema.DecodeContents(bytes, hash).Span), what, mode, $"contents {hash} read back wrong");
                        break;
                }
            }
            catch (CorruptDataException e)
            {
                Require(e.Object is not null || hashNames.Any(n => e.Message.Contains(n, StringComparison.Ordinal)), what, mode, $"reading object {hash} failed with an error that names no object: {e.Message}");
                detected = true;
            }
            catch (ObjectNotFoundException) when (fellBack)
            {
                // An older root need not hold an object of the final state.
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw Fail(what, mode, $"reading object {hash} threw {e.GetType().Name}: {e.Message}");
            }
        }

        return detected;
    }

    /// <summary>fsck never throws, and names the damaged record whenever the damage is in one.</summary>
    private static bool CheckFsck(PackStore pack, ImageRegion? region, string what)
    {
        FsckReport fsck;
        try
        {
            fsck = pack.Fsck(NativeSchema.Instance);
        }
        catch (Exception e)
        {
            throw Fail(what, "read-only", $"fsck threw {e.GetType().Name}: {e.Message}");
        }

        if (region is { IsSuperblock: false } r && pack.RecoveryNote is null)
        {
            var named = r.Label == "batch padding"
                ? !fsck.IsClean
                : fsck.Problems.Any(p => p.Offset == r.RecordPosition || (r.Object is { } o && p.Subject.Contains(o.ToString(), StringComparison.Ordinal)));
            Require(named, what, "read-only", $"fsck did not name the damaged record at log position {r.RecordPosition}: {string.Join("; ", fsck.Problems)}");
        }

        return !fsck.IsClean;
    }

    private static void Require(bool condition, string what, string mode, string message)
    {
        if (!condition)
        {
            throw Fail(what, mode, message);
        }
    }

    private static Xunit.Sdk.XunitException Fail(string what, string mode, string message) => new($"{what} ({mode}): {message}");
}
