using System.Net;
using IrminSharp.Backends.Block;
using IrminSharp.Backends.Pack;
using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A push declines objects the store holds, some perhaps only waiting to be written for another
/// transfer; if that transfer's write fails and it drops what it added, the push must not move a
/// ref onto a commit naming them (the red team's finding: heads/main named a dropped object).
/// </summary>
public sealed class DroppedObjectsRaceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-dropped-").FullName;

    [Fact]
    public async Task A_push_relying_on_objects_another_transfer_dropped_is_refused_busy_and_moves_nothing()
    {
        // The pushed commit, and its objects: leaves (no references) and the rest, children first.
        using var donor = SyncFixture.CounterRepository();
        var commit = donor.Main.Set(StorePath.Parse("v"), 777_777).Hash;
        var closure = Closure(donor.Objects, commit);
        var leaves = closure.Where(c => c.Refs == 0).ToList();
        var inner = closure.Where(c => c.Refs > 0).Reverse().ToList();

        var path = Path.Combine(directory, "server.pack");
        using var pack = PackOnFile.Create(path);
        pack.Repository.Main.Set(StorePath.Parse("x"), 1);
        var log = new List<string>();
        await using var server = new SyncServer(
            new Dictionary<string, SyncStore> { [RemoteUrl.DefaultStore] = pack.Store },
            new SyncServerOptions { InsecureLoopback = true, Log = line => { lock (log) { log.Add(line); } } });
        var endPoint = server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        // Another transfer (T1) added the leaves, then more than the device holds; not yet written.
        var t1 = new List<Hash>();
        foreach (var (hash, bytes, _) in leaves)
        {
            Assert.True(pack.Pack.Objects.Add(hash, bytes));
            t1.Add(hash);
        }

        for (var i = 0; i < 2300; i++)
        {
            var junk = BudgetWire.Contents(4000, seed: i);
            var hash = BudgetWire.HashOf(junk);
            pack.Pack.Objects.Add(hash, junk);
            t1.Add(hash);
        }

        // The push (T2) offers its closure; the leaves are declined, as held.
        await using var link = await PeerLink.ConnectAsync(endPoint);
        await link.SendAsync(HandBuiltMessage.Hello, HandBuiltMessage.HelloBody(NativeSchema.Instance.Name, CounterContents.Instance.Name, []));
        await link.ExpectAsync(HandBuiltMessage.Welcome);
        await link.SendAsync(HandBuiltMessage.Push, HandBuiltMessage.EmptyBody());
        var offered = inner.Concat(leaves).ToList();
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(offered.Select(o => o.Hash)));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        var needed = offered.Where((_, i) => (need[i >> 3] & (1 << (i & 7))) != 0).ToList();
        Assert.Equal(inner.Select(o => o.Hash), needed.Select(o => o.Hash));
        await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(needed.Select(o => (ReadOnlyMemory<byte>)o.Bytes).ToList()));
        for (var waited = 0; !pack.Pack.Objects.Contains(commit) && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        Assert.True(pack.Pack.Objects.Contains(commit), "the server should have taken the push's objects");

        // T1's write fails for lack of space, and it drops what it added.
        Assert.Throws<StoreFullException>(() => pack.Pack.Objects.Flush());
        Assert.True(pack.Pack.Objects.Discard(t1));

        // T2 ends and asks for a new branch at its commit: refused, and no ref names a lost object.
        await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        await link.SendAsync(HandBuiltMessage.RefUpdate, HandBuiltMessage.RefUpdateBody("heads/race", null, commit, force: false));
        var answer = await link.ReceiveAsync();
        Assert.NotNull(answer);
        Assert.Equal(HandBuiltMessage.Error, answer!.Type);
        Assert.Equal("busy", HandBuiltMessage.ReadError(answer.Body).Kind);
        Assert.False(pack.Repository.Refs.TryRead("heads/race", out _));
        StoreConsistency.AssertRefsComplete(pack.Repository.Objects, pack.Repository.Refs);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static List<(Hash Hash, byte[] Bytes, int Refs)> Closure(ObjectDatabase objects, Hash root)
    {
        var closure = new List<(Hash, byte[], int)>();
        var seen = new HashSet<Hash>();
        var stack = new Stack<Hash>([root]);
        while (stack.Count > 0)
        {
            var hash = stack.Pop();
            if (!seen.Add(hash))
            {
                continue;
            }

            Assert.True(objects.Store.TryRead(hash, out var bytes));
            var refs = new List<Hash>();
            ObjectReferences.List(NativeSchema.Instance, bytes, hash, refs);
            closure.Add((hash, bytes.ToArray(), refs.Count));
            foreach (var r in refs)
            {
                stack.Push(r);
            }
        }

        return closure;
    }
}
