using System.Buffers;
using IrminSharp.Store;
using MessagePack;

namespace IrminSharp.Sync;

/// <summary>
/// The remotes a store knows, kept inside the store itself (so a store on a raw device carries
/// them too): one contents object, a MessagePack array of [name, url, fingerprint|nil, insecure],
/// named by the ref <c>config/remotes</c> and replaced by compare-and-swap.
/// </summary>
public static class RemoteRegistry
{
    /// <summary>The ref naming the remotes object.</summary>
    public const string RefName = "config/remotes";

    /// <summary>Every remote, by name.</summary>
    public static IReadOnlyList<RemoteConfig> List(SyncStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Read(store, out _);
    }

    /// <summary>The remote named <paramref name="name"/>; throws <see cref="IrminException"/> naming the known ones if absent.</summary>
    public static RemoteConfig Get(SyncStore store, string name)
    {
        var all = List(store);
        return all.FirstOrDefault(r => r.Name == name)
            ?? throw new IrminException(all.Count == 0
                ? $"no remote '{name}' (this store has none; add one with 'irmin remote add {name} irmin://host:port/store')"
                : $"no remote '{name}' (known: {string.Join(", ", all.Select(r => r.Name))})");
    }

    /// <summary>Adds or replaces a remote.</summary>
    public static void Set(SyncStore store, RemoteConfig remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        Remote.ValidateName(remote.Name);
        Update(store, list => [.. list.Where(r => r.Name != remote.Name), remote]);
    }

    /// <summary>Removes a remote and its remote-tracking refs; false when there was none.</summary>
    public static bool Remove(SyncStore store, string name)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = false;
        Update(store, list =>
        {
            found = list.Any(r => r.Name == name);
            return [.. list.Where(r => r.Name != name)];
        });
        foreach (var (refName, hash) in store.Refs.List($"remotes/{name}/"))
        {
            store.Refs.CompareAndSwap(refName, hash, null, out _);
        }

        return found;
    }

    private static void Update(SyncStore store, Func<IReadOnlyList<RemoteConfig>, List<RemoteConfig>> change)
    {
        while (true)
        {
            var current = Read(store, out var at);
            var next = change(current);
            next.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var buffer = new ArrayBufferWriter<byte>();
            var w = new MessagePackWriter(buffer);
            w.WriteArrayHeader(next.Count);
            foreach (var r in next)
            {
                w.WriteArrayHeader(4);
                w.Write(r.Name);
                w.Write(r.Url.ToString());
                if (r.ServerFingerprint is null)
                {
                    w.WriteNil();
                }
                else
                {
                    w.Write(r.ServerFingerprint);
                }

                w.Write(r.InsecureLoopback);
            }

            w.Flush();
            var hash = store.Objects.WriteContents(buffer.WrittenSpan);
            if (store.Refs.CompareAndSwap(RefName, at, hash, out _))
            {
                return;
            }
        }
    }

    private static List<RemoteConfig> Read(SyncStore store, out Hash? at)
    {
        var list = new List<RemoteConfig>();
        if (!store.Refs.TryRead(RefName, out var hash))
        {
            at = null;
            return list;
        }

        at = hash;
        try
        {
            var r = new MessagePackReader(store.Objects.ReadContents(hash));
            var n = r.ReadArrayHeader();
            for (var i = 0; i < n; i++)
            {
                if (r.ReadArrayHeader() != 4)
                {
                    throw new MessagePackSerializationException("a remote is not a 4-element array");
                }

                var name = r.ReadString()!;
                var url = RemoteUrl.Parse(r.ReadString()!);
                var fingerprint = r.TryReadNil() ? null : r.ReadString();
                list.Add(new RemoteConfig(name, url, fingerprint, r.ReadBoolean()));
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or ArgumentException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw new CorruptDataException($"remotes object {hash}", 0, e.Message);
        }

        return list;
    }
}
