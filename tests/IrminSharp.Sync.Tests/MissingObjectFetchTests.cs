using IrminSharp.Merge;
using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>
/// A hostile server (a <see cref="ScriptedPeer"/>) that leaves out of its objects one that the
/// commit it advertises needs (see <see cref="MissingObjectCase"/>), to a client fetching, pulling
/// or cloning into a pack on a file. The transfer fails naming the missing object, no ref moves,
/// the hostile commit is not stored, fsck finds the pack clean, and an honest incremental
/// transfer from the same source then works (it relies on the objects the client already holds).
/// </summary>
public sealed class MissingObjectFetchTests : IDisposable
{
    private static readonly string Schema = NativeSchema.Instance.Name;
    private static readonly string ContentType = CounterContents.Instance.Name;
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-missing-fetch-").FullName;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var name in MissingObjectCase.Names)
        {
            foreach (var operation in new[] { "fetch", "pull", "clone" })
            {
                cases.Add(name, operation);
            }
        }

        return cases;
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_object_named_and_never_sent_fails_the_transfer_and_an_honest_one_then_works(string name, string operation)
    {
        using var @case = MissingObjectCase.Build(name);
        using var client = PackOnFile.Create(Path.Combine(directory, "client.pack"));
        if (operation != "clone")
        {
            @case.SeedBase(client.Repository);
        }

        var refsBefore = client.Repository.Refs.List().ToList();
        await using (var hostile = new ScriptedPeer(link => ServeAsync(link, @case.Source, @case.Hostile, @case.HostileObjects)))
        {
            var e = await Assert.ThrowsAsync<SyncException>(() => RunAsync(hostile.Remote(), client, operation));
            Assert.True(
                e.Kind == SyncErrorKind.Protocol && e.Message.Contains(@case.Says, StringComparison.Ordinal),
                $"{name}, {operation}: expected Protocol saying \"{@case.Says}\", got {e.Kind}: {e.Message}");
            await hostile.Finished.WaitAsync(PeerLink.ReadTimeout);
        }

        Assert.Equal(refsBefore, client.Repository.Refs.List());
        Assert.False(client.Repository.Objects.Contains(@case.Hostile), "the hostile commit was stored");
        Assert.False(client.Repository.Objects.Contains(@case.Missing));
        AssertClean(client, $"{name}, {operation}, after the hostile transfer");

        await using (var honest = new ScriptedPeer(link => ServeAsync(link, @case.Source, @case.Honest, @case.HonestObjects)))
        {
            var received = await RunAsync(honest.Remote(), client, operation);
            await honest.Finished.WaitAsync(PeerLink.ReadTimeout);
            Assert.Equal(operation == "clone" ? @case.HonestObjects.Count : @case.HonestIncrement, received);
        }

        Assert.True(client.Repository.Refs.TryRead("remotes/origin/main", out var tracking) && tracking == @case.Honest);
        if (operation != "fetch")
        {
            Assert.Equal(@case.Honest, client.Repository.Main.HeadHash);
        }

        AssertClean(client, $"{name}, {operation}, after the honest transfer");
    }

    /// <summary>Runs <paramref name="operation"/> against <paramref name="remote"/>; returns how many objects arrived.</summary>
    private static async Task<long> RunAsync(Remote remote, PackOnFile client, string operation) => operation switch
    {
        "fetch" => (await remote.FetchAsync(client.Store)).Received.Objects,
        "pull" => (await remote.PullAsync(client.Repository, "main", client.Repository.Info("pull"))).Fetch.Received.Objects,
        _ => (await remote.CloneAsync(client.Store)).Received.Objects,
    };

    private static void AssertClean(PackOnFile client, string when)
    {
        StoreConsistency.AssertRefsComplete(client.Repository.Objects, client.Repository.Refs);
        var fsck = client.Pack.Fsck(client.Repository.Options.Schema);
        Assert.True(fsck.IsClean, $"{when}: fsck: {string.Join("; ", fsck.Problems)}");
    }

    /// <summary>
    /// Serves as a server would: advertises main at <paramref name="head"/>, offers
    /// <paramref name="objects"/> in one batch, sends those the client needs in one objects
    /// message, and ends (the client may hang up before the end arrives).
    /// </summary>
    private static async Task ServeAsync(PeerLink link, Repository<long> source, Hash head, IReadOnlyList<Hash> objects)
    {
        await link.ExpectAsync(HandBuiltMessage.Hello);
        await link.SendAsync(HandBuiltMessage.Welcome, HandBuiltMessage.WelcomeBody(Schema, ContentType));
        await link.ExpectAsync(HandBuiltMessage.ListRefs);
        await link.SendAsync(HandBuiltMessage.Refs, HandBuiltMessage.RefsBody([new("heads/main", head)]));
        await link.ExpectAsync(HandBuiltMessage.Fetch);
        await link.SendAsync(HandBuiltMessage.Offer, HandBuiltMessage.OfferBody(objects));
        var need = HandBuiltMessage.ReadNeed((await link.ExpectAsync(HandBuiltMessage.Need)).Body);
        var needed = objects.Where((_, i) => (need[i >> 3] & (1 << (i & 7))) != 0).Select(h => source.Objects.ReadRaw(h)).ToList();
        await link.SendAsync(HandBuiltMessage.Objects, HandBuiltMessage.ObjectsBody(needed));
        try
        {
            await link.SendAsync(HandBuiltMessage.End, HandBuiltMessage.EmptyBody());
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The client refused the objects and hung up.
        }
    }
}
