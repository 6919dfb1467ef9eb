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

    /// <summary>
    /// Set when opening fell back to the previous root because the newest was damaged, or found a
    /// superblock copy damaged (torn by a crash, or corrupt): what a newer root held may be lost.
    /// </summary>
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

        SuperblockPair.Format(device, schema, contentType);
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
            options = options.AsReadOnly();
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
        long live = -1, liveBytes = -1;
        var objects = File.IndexedCount;
        if (schema is not null)
        {
            var indexed = File.IndexedObjects();
            objects = indexed.Count;
            var reachable = ObjectGraph.Reachable(new ObjectDatabase(Objects, schema), File.RefsSnapshot().Values);
            live = reachable.Count;
            liveBytes = indexed.Where(e => reachable.Contains(e.Hash)).Sum(e => (long)e.Location.Length);
        }

        return new PackStats(objects, sb.LogEnd - sb.LogStart, File.Log.Capacity, live, liveBytes, File.RefsSnapshot().Count, sb.Generation);
    }

    /// <summary>
    /// Checks every record's checksum and every object's hash in the live log, that every indexed
    /// object reads back, and that everything reachable from the refs is present and decodes.
    /// </summary>
    /// <remarks>Writers may go on meanwhile; a gc waits for the check to end.</remarks>
    public FsckReport Fsck(Schema schema, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return PackChecker.Check(File, new ObjectDatabase(Objects, schema, cacheCapacity: 1024), progress);
    }

    /// <summary>
    /// Keeps every object reachable from the refs and from <paramref name="keep"/>, and reclaims
    /// the rest: live objects are copied to the log's end, then one superblock switch makes the
    /// copy the whole log. A crash at any point leaves either the old or the new pack.
    /// </summary>
    /// <remarks>
    /// Writers go on while the live objects are copied, and wait only for the last step, which
    /// copies what they made live meanwhile: nothing a ref names at the switch, nor anything an
    /// object written during the gc names, is lost. Readers in this process look an object up again
    /// if it moved; caches keyed by hash are told through <see cref="IObjectStore.Collections"/>.
    /// <paramref name="keep"/> is read once, before the gc starts.
    /// </remarks>
    /// <exception cref="StoreFullException">The live objects do not fit in the free space; nothing changed.</exception>
    public GcResult Gc(Schema schema, IEnumerable<Hash>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var kept = keep?.ToList() ?? [];
        return PackCollector.Collect(File, schema, kept);
    }

    /// <summary>
    /// For a store opened read-only: loads the newest root if the writer has made one since, so
    /// the refs and objects it added become visible. False when nothing changed.
    /// </summary>
    public bool Refresh() => File.Refresh();

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
