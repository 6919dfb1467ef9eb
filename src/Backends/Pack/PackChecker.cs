using System.Collections.Immutable;
using IrminSharp.Store;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// fsck for a pack: every record's checksum and every object's hash in the live log, every indexed
/// object read back, and everything reachable from the refs present and decodable. Runs beside
/// writers (they only append past the log it checks), never beside a gc in its process.
/// </summary>
internal static class PackChecker
{
    public static FsckReport Check(PackFile file, ObjectDatabase db, IProgress<double>? progress)
    {
        // A reader in another process than the writer cannot hold gc off: if the writer's gc moved
        // the log while the check read it, what it found may be overwritten bytes. Check again
        // from the newest root.
        for (var attempt = 0; ; attempt++)
        {
            var start = file.Current.LogStart;
            var report = CheckOnce(file, db, progress);
            if (report.IsClean || !file.IsReadOnly || attempt == 2 || !file.Refresh() || file.Current.LogStart == start)
            {
                return report;
            }
        }
    }

    private static FsckReport CheckOnce(PackFile file, ObjectDatabase db, IProgress<double>? progress)
    {
        using (file.Maintenance.EnterScope())
        {
            try
            {
                file.Commit();
            }
            catch (StoreFullException)
            {
                // A full store can still be checked: the check reads the durable root.
            }

            var problems = ImmutableArray.CreateBuilder<FsckProblem>();
            // A reader that fell back still sees the damage; a writer that recovered has already
            // written a root over it.
            // A damaged superblock copy alone is not reported here (only in the note): a crash
            // that tears a superblock write leaves the same bytes, and that is no fault.
            if (file.FellBack && file.RecoveryNote is { } note && file.IsReadOnly)
            {
                problems.Add(new FsckProblem(-1, "superblock", note));
            }

            var sb = file.Current;
            long records = 0, objects = 0;
            var schema = db.Schema;
            new LogScanner(file.Log).Scan(sb.LogStart, sb.LogEnd, (position, finding, header, record) =>
            {
                progress?.Report((double)(position - sb.LogStart) / Math.Max(1, sb.LogEnd - sb.LogStart));
                var subject = Claimed(record, "record");
                switch (finding)
                {
                    case LogScanner.Finding.Padding:
                        break;
                    case LogScanner.Finding.DamagedPadding:
                        problems.Add(new FsckProblem(position, subject, "damaged record: its kind byte reads as padding but the sector holds data"));
                        break;
                    case LogScanner.Finding.DamagedHeader:
                        problems.Add(new FsckProblem(position, subject, "damaged record header; skipped to the next sector"));
                        break;
                    case LogScanner.Finding.ChecksumMismatch:
                        records++;
                        problems.Add(new FsckProblem(position, Claimed(record, header?.Kind.ToString().ToLowerInvariant() ?? "record"), "checksum mismatch"));
                        break;
                    case LogScanner.Finding.Record:
                        records++;
                        if (header is { Kind: RecordKind.Object } h)
                        {
                            objects++;
                            var actual = schema.ComputeHash(record[RecordHeader.Size..]);
                            if (actual != h.Hash)
                            {
                                problems.Add(new FsckProblem(position, subject, $"content hashes to {actual}"));
                            }
                        }

                        break;
                }
            });

            List<(Hash Hash, Location Location)> indexed;
            try
            {
                indexed = file.IndexedObjects();
            }
            catch (CorruptDataException e)
            {
                problems.Add(new FsckProblem(e.Offset, "index checkpoint", e.Reason));
                indexed = [];
            }

            foreach (var (hash, location) in indexed)
            {
                try
                {
                    file.ReadRecord(location, RecordKind.Object, hash);
                }
                catch (CorruptDataException e)
                {
                    problems.Add(new FsckProblem(location.Offset, "object " + hash, "indexed but unreadable: " + e.Reason));
                }
            }

            var reached = new HashSet<Hash>();
            foreach (var (name, target) in file.RefsSnapshot())
            {
                try
                {
                    if (!db.Contains(target))
                    {
                        problems.Add(new FsckProblem(-1, "ref " + name, $"points to missing object {target}"));
                        continue;
                    }

                    if (RefNames.NamesCommit(name) && !db.TryReadCommit(target, out _))
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
    }

    /// <summary>"object HASH" when the bytes where a header is hold a hash (not all zero), else <paramref name="fallback"/>.</summary>
    private static string Claimed(ReadOnlySpan<byte> header, string fallback)
    {
        if (header.Length < 40)
        {
            return fallback;
        }

        var hash = header.Slice(8, 32);
        return hash.IndexOfAnyExcept((byte)0) >= 0 ? "object " + Hash.FromBytes(hash) : fallback;
    }
}
