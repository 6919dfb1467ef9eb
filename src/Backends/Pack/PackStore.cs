using System.Collections.Immutable;
using IrminSharp.Backends.Block;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// A durable store on a block device (a file or a raw disk): the object store and ref store of a
/// repository, plus maintenance (fsck, gc, stats). One format for both kinds of device.
/// </summary>
/// <remarks>
/// One process writes (it holds the lock named by <see cref="PackOptions.LockPath"/>); others may
/// open read-only. With <see cref="PackDurability.EveryRefUpdate"/>, a ref update that returned
/// survives any crash, along with every object it references.
/// </remarks>
public sealed class PackStore : IDisposable
{
    private readonly IBlockDevice device;
    private readonly bool ownsDevice;
    private int disposed;

    private PackStore(IBlockDevice device, bool ownsDevice, PackFile file, PackOptions options)
    {
        this.device = device;
        this.ownsDevice = ownsDevice;
        File = file;
        Options = options;
        Objects = new PackObjectStore(this);
        Refs = new PackRefStore(this);
    }

    /// <summary>The options the pack was opened with.</summary>
    public PackOptions Options { get; }

    /// <summary>The object store. Disposing it closes the pack.</summary>
    public PackObjectStore Objects { get; }

    /// <summary>The ref store. Disposing it closes the pack.</summary>
    public PackRefStore Refs { get; }

    /// <summary>The schema name recorded at creation.</summary>
    public string Schema => File.Current.Schema;

    /// <summary>The content type name recorded at creation.</summary>
    public string ContentType => File.Current.ContentType;

    /// <summary>Set when opening fell back to the previous root because the newest was damaged.</summary>
    public string? RecoveryNote => File.RecoveryNote;

    /// <summary>What the pack is on, for messages.</summary>
    public string Where => File.Where;

    internal PackFile File { get; }

    /// <summary>Formats <paramref name="device"/> as an empty pack and opens it.</summary>
    public static PackStore Create(IBlockDevice device, string schema, string contentType, PackOptions? options = null, string? where = null, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.IsReadOnly)
        {
            throw new ArgumentException("Cannot create a pack on a read-only device.", nameof(device));
        }

        PackFile.Format(device, schema, contentType);
        return Open(device, options, where, ownsDevice);
    }

    /// <summary>Opens the pack on <paramref name="device"/>.</summary>
    /// <exception cref="CorruptDataException">The device holds no valid pack.</exception>
    /// <exception cref="StoreLockedException">Another process is writing to it.</exception>
    public static PackStore Open(IBlockDevice device, PackOptions? options = null, string? where = null, bool ownsDevice = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        options ??= PackOptions.Default;
        if (device.IsReadOnly && !options.ReadOnly)
        {
            options = new PackOptions { ReadOnly = true, CacheBytes = options.CacheBytes, CheckpointEvery = options.CheckpointEvery, Durability = options.Durability, BatchBytes = options.BatchBytes };
        }

        try
        {
            var file = PackFile.Open(device, options, where ?? "pack");
            return new PackStore(device, ownsDevice, file, options);
        }
        catch
        {
            if (ownsDevice)
            {
                device.Dispose();
            }

            throw;
        }
    }

    /// <summary>Makes everything written so far durable.</summary>
    public void Flush() => File.Commit();

    /// <summary>Sizes; with <paramref name="schema"/>, also what is live (reachable from the refs).</summary>
    public PackStats Stats(Schema? schema = null)
    {
        var sb = File.Current;
        var indexed = File.IndexedObjects();
        long live = -1, liveBytes = -1;
        if (schema is not null)
        {
            var reachable = ObjectGraph.Reachable(new ObjectDatabase(Objects, schema), File.RefsSnapshot().Values);
            live = reachable.Count;
            liveBytes = indexed.Where(e => reachable.Contains(e.Hash)).Sum(e => (long)e.Location.Length);
        }

        return new PackStats(indexed.Count, sb.LogEnd - sb.LogStart, File.Log.Capacity, live, liveBytes, File.RefsSnapshot().Count, sb.Generation);
    }

    /// <summary>
    /// Checks every record's checksum and every object's hash in the live log, that every indexed
    /// object reads back, and that everything reachable from the refs is present and decodes.
    /// </summary>
    public FsckReport Fsck(Schema schema, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Flush();
        var problems = ImmutableArray.CreateBuilder<FsckProblem>();
        if (File.RecoveryNote is { } note)
        {
            problems.Add(new FsckProblem(-1, "superblock", note));
        }

        var sb = File.Current;
        long records = 0, objects = 0;
        var position = sb.LogStart;
        var log = File.Log;
        var header = new byte[RecordHeader.Size];
        var seenAt = new Dictionary<Hash, long>();
        while (position < sb.LogEnd)
        {
            progress?.Report((double)(position - sb.LogStart) / Math.Max(1, sb.LogEnd - sb.LogStart));
            if (log.UntilWrap(position) < RecordHeader.Size)
            {
                position = Next(position + 1);
                continue;
            }

            log.Read(position, header);
            if (header[0] == (byte)RecordKind.SectorPadding)
            {
                if (!PackFile.IsZeroPadding(log, position))
                {
                    problems.Add(new FsckProblem(position, Claimed(header, "record"), "damaged record: its kind byte reads as padding but the sector holds data"));
                }

                position = Next(position + 1);
                continue;
            }

            var parsed = RecordHeader.TryParse(header);
            if (parsed is not { } h || h.TotalLength > sb.LogEnd - position || h.TotalLength > log.UntilWrap(position))
            {
                problems.Add(new FsckProblem(position, Claimed(header, "record"), "damaged record header; skipped to the next sector"));
                position = Next(position + 1);
                continue;
            }

            records++;
            if (h.Kind == RecordKind.WrapPadding)
            {
                position += h.TotalLength;
                continue;
            }

            var record = new byte[h.TotalLength];
            log.Read(position, record);
            var subject = Claimed(header, h.Kind.ToString().ToLowerInvariant());
            if (!RecordHeader.ChecksumMatches(record))
            {
                problems.Add(new FsckProblem(position, subject, "checksum mismatch"));
            }
            else if (h.Kind == RecordKind.Object)
            {
                objects++;
                var actual = schema.ComputeHash(record.AsSpan(RecordHeader.Size));
                if (actual != h.Hash)
                {
                    problems.Add(new FsckProblem(position, subject, $"content hashes to {actual}"));
                }

                seenAt[h.Hash] = position;
            }

            position += h.TotalLength;
        }

        foreach (var (hash, location) in File.IndexedObjects())
        {
            try
            {
                File.ReadRecord(location, RecordKind.Object, hash);
            }
            catch (CorruptDataException e)
            {
                problems.Add(new FsckProblem(location.Offset, "object " + hash, "indexed but unreadable: " + e.Reason));
            }
        }

        var reached = new HashSet<Hash>();
        var db = new ObjectDatabase(Objects, schema, cacheCapacity: 1024);
        foreach (var (name, target) in File.RefsSnapshot())
        {
            try
            {
                if (!Objects.Contains(target))
                {
                    problems.Add(new FsckProblem(-1, "ref " + name, $"points to missing object {target}"));
                    continue;
                }

                // Branches, tags and remote-tracking refs name commits; config refs (such as the
                // remotes) name contents objects.
                if (!name.StartsWith("config/", StringComparison.Ordinal) && !db.TryReadCommit(target, out _))
                {
                    problems.Add(new FsckProblem(-1, "ref " + name, $"points to {target}, which is not a commit"));
                    continue;
                }

                reached.UnionWith(ObjectGraph.Reachable(db, [target]));
            }
            catch (ObjectNotFoundException e)
            {
                problems.Add(new FsckProblem(-1, "object " + e.Hash, $"missing, but reachable from ref {name}"));
            }
            catch (IrminException e)
            {
                problems.Add(new FsckProblem(-1, "ref " + name, "history is broken: " + e.Message));
            }
        }

        progress?.Report(1);
        return new FsckReport(records, objects, reached.Count, problems.ToImmutable());
    }

    /// <summary>
    /// Keeps every object reachable from the refs and from <paramref name="keep"/>, and reclaims
    /// the rest: live objects are copied to the log's end, then one superblock switch makes the
    /// copy the whole log. A crash at any point leaves either the old or the new pack.
    /// </summary>
    /// <exception cref="StoreFullException">The live objects do not fit in the free space.</exception>
    public GcResult Gc(Schema schema, IEnumerable<Hash>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        lock (File.FlushGate)
        {
            File.Commit();
            var before = File.Current;
            var indexed = File.IndexedObjects();
            var db = new ObjectDatabase(Objects, schema, cacheCapacity: 1024);
            var roots = File.RefsSnapshot().Values.Concat(keep ?? []);
            var live = ObjectGraph.Reachable(db, roots);
            var copies = new List<(RecordKind, Hash, byte[])>(live.Count);
            foreach (var (hash, location) in indexed)
            {
                if (live.Contains(hash))
                {
                    copies.Add((RecordKind.Object, hash, File.ReadRecord(location, RecordKind.Object, hash)));
                }
            }

            var (locations, end) = File.Append(before, copies, before.LogStart);
            var entries = new List<(Hash, Location)>(copies.Count);
            for (var i = 0; i < copies.Count; i++)
            {
                entries.Add((copies[i].Item2, locations[i]));
            }

            entries.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
            var newStart = before.LogEnd;
            File.WriteIndexAndRoot(entries, newStart, before with { LogEnd = end });
            File.ForgetCache();
            var after = File.Current;
            return new GcResult(copies.Count, indexed.Count - copies.Count, before.LogEnd - before.LogStart, after.LogEnd - after.LogStart);
        }
    }

    /// <summary>"object HASH" when a header names an object (its hash bytes are not all zero), else <paramref name="fallback"/>.</summary>
    private static string Claimed(ReadOnlySpan<byte> header, string fallback)
    {
        var hash = header.Slice(8, 32);
        return hash.IndexOfAnyExcept((byte)0) >= 0 ? "object " + Hash.FromBytes(hash) : fallback;
    }

    private long Next(long position) => (position + File.Log.SectorSize - 1) / File.Log.SectorSize * File.Log.SectorSize;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            File.Dispose();
        }
        finally
        {
            if (ownsDevice)
            {
                device.Dispose();
            }
        }
    }
}
