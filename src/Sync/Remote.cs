using IrminSharp.Store;

namespace IrminSharp.Sync;

/// <summary>
/// A store on another device: fetch what it has, pull (fetch and merge) a branch, push a branch.
/// What a fetch learns is kept in remote-tracking refs <c>remotes/NAME/BRANCH</c>.
/// </summary>
public sealed class Remote
{
    private const int MaxHashesPerFetch = 65_536;

    /// <summary>A remote named <paramref name="name"/> at <paramref name="url"/>.</summary>
    public Remote(string name, RemoteUrl url, RemoteOptions options)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        ValidateName(name);
        Name = name;
        Url = url;
        Options = options;
    }

    /// <summary>Throws unless <paramref name="name"/> can name a remote: one valid ref component.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        InvalidRefNameException.Validate("remotes/" + name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"remote name '{name}' may not contain '/'");
        }
    }

    /// <summary>The remote's local name, such as <c>origin</c>.</summary>
    public string Name { get; }

    /// <summary>Where it is.</summary>
    public RemoteUrl Url { get; }

    /// <summary>How to connect.</summary>
    public RemoteOptions Options { get; }

    /// <summary>The ref that remembers the remote's branch <paramref name="branch"/>.</summary>
    public string TrackingRef(string branch) => $"remotes/{Name}/{branch}";

    /// <summary>The remote store's schema, content type and refs (what a clone needs to create its store).</summary>
    public Task<RemoteInfo> DescribeAsync(CancellationToken cancellationToken = default) =>
        RemoteRetry.RunAsync(Url, Options, DescribeOnceAsync, RemoteRetry.IsTransient, cancellationToken);

    /// <summary>
    /// Gets every branch and tag the remote has that <paramref name="local"/> lacks, sending only
    /// the objects that differ, and moves the remote-tracking refs. New tags are created; a local
    /// tag is never moved. An interrupted fetch keeps what arrived and a retry resumes from it:
    /// a busy server or a broken connection is retried until <see cref="RemoteOptions.Timeout"/>.
    /// </summary>
    public Task<FetchResult> FetchAsync(SyncStore local, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(local);
        return RemoteRetry.RunAsync(Url, Options, ct => FetchOnceAsync(local, progress, ct), RemoteRetry.IsTransient, cancellationToken);
    }

    private async Task<RemoteInfo> DescribeOnceAsync(CancellationToken cancellationToken)
    {
        var session = await ClientSession.OpenAsync(Url, Options, "", "", cancellationToken).ConfigureAwait(false);
        await using var scope = session.ConfigureAwait(false);
        var refs = await session.ListRefsAsync(Hash.MaxLength, cancellationToken).ConfigureAwait(false);
        return new RemoteInfo(session.Welcome.Schema, session.Welcome.ContentType, refs);
    }

    private async Task<FetchResult> FetchOnceAsync(SyncStore local, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var session = await ClientSession.OpenAsync(Url, Options, local.Schema, local.ContentType, cancellationToken).ConfigureAwait(false);
        await using var scope = session.ConfigureAwait(false);
        var remoteRefs = await session.ListRefsAsync(local.Objects.Schema.HashSize, cancellationToken).ConfigureAwait(false);
        foreach (var (name, _) in remoteRefs)
        {
            if (!name.StartsWith("heads/", StringComparison.Ordinal) && !name.StartsWith("tags/", StringComparison.Ordinal))
            {
                throw new SyncException(SyncErrorKind.Protocol, $"{Url} advertised {name}; a server shares only branches (heads/) and tags (tags/)");
            }
        }

        var wants = remoteRefs.Select(r => r.Value).Where(h => !local.Objects.Contains(h)).Distinct().ToList();
        var received = new TransferProgress(0, 0, session.Connection.BytesReceived);
        var haves = LocalCommits(local);
        var features = AgreedFeatures.With(session.Welcome.Capabilities);
        for (var start = 0; start < wants.Count; start += MaxHashesPerFetch)
        {
            // At most 65,536 wants a request (docs/protocol/sync.md); more go in further requests.
            var some = wants.GetRange(start, Math.Min(MaxHashesPerFetch, wants.Count - start));
            MessageCodec.Write(session.Connection.StartBody(), new FetchMessage(some, haves));
            await session.Connection.SendAsync(MessageType.Fetch, cancellationToken).ConfigureAwait(false);
            var part = await ObjectReceiver.ReceiveAsync(session.Connection, local.Objects, local.Depths, features, progress, cancellationToken).ConfigureAwait(false);
            received = new TransferProgress(received.Objects + part.Objects, received.ObjectBytes + part.ObjectBytes, part.WireBytes);
        }

        foreach (var (name, hash) in remoteRefs)
        {
            if (!local.Objects.TryReadCommit(hash, out _))
            {
                throw new SyncException(SyncErrorKind.Protocol, $"{Url} did not send commit {hash} of {name}");
            }
        }

        var moved = MoveTrackingRefs(local, remoteRefs);
        return new FetchResult(remoteRefs, moved, received, session.Connection.BytesSent);
    }

    /// <summary>
    /// Fills a store that has no branches with the remote's (a clone): fetches everything, then
    /// creates each local branch where the remote's is. An interrupted clone keeps what arrived;
    /// a retry, or a pull, resumes from it.
    /// </summary>
    /// <exception cref="ArgumentException">The store already has branches.</exception>
    public async Task<FetchResult> CloneAsync(SyncStore local, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (local.Refs.List("heads/").Count > 0)
        {
            throw new ArgumentException("a clone goes into a store without branches; fetch or pull into this one");
        }

        var fetched = await FetchAsync(local, progress, cancellationToken).ConfigureAwait(false);
        foreach (var (name, hash) in fetched.RemoteRefs)
        {
            if (name.StartsWith("heads/", StringComparison.Ordinal))
            {
                local.Refs.CompareAndSwap(name, null, hash, out _);
            }
        }

        return fetched;
    }

    /// <summary>
    /// Fetches, then merges the remote's <paramref name="branch"/> into the local one with the
    /// content type's three-way merge (a fast-forward when one side has nothing new).
    /// </summary>
    /// <exception cref="MergeConflictException">The merge has conflicts; the local branch is unchanged.</exception>
    public async Task<PullResult> PullAsync<T>(Repository<T> repository, string branch, CommitInfo info, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(info);
        var fetch = await FetchAsync(SyncStore.Of(repository), progress, cancellationToken).ConfigureAwait(false);
        if (!repository.Refs.TryRead(TrackingRef(branch), out var theirs))
        {
            throw new SyncException(SyncErrorKind.Refused, $"{Url} has no branch '{branch}'");
        }

        var local = repository.Branch(branch);
        var old = local.HeadHash;
        var merged = local.TryMerge(theirs, info);
        var commit = merged.TryGetValue(out var c) ? c : throw new MergeConflictException(merged.Conflicts);
        return new PullResult(fetch, branch, old, commit.Hash);
    }

    /// <summary>
    /// Sends the local <paramref name="branch"/>: the objects the remote lacks, then a
    /// compare-and-swap of the remote branch from the value just read. A push that would drop
    /// remote commits is refused (<see cref="SyncErrorKind.Diverged"/>) unless <paramref name="force"/>.
    /// A busy server or a broken connection is retried until <see cref="RemoteOptions.Timeout"/>:
    /// the retry reads the remote branch again, so a ref update the server applied before the
    /// connection broke is found done; a forced push is not retried once its ref update was sent.
    /// </summary>
    public Task<PushResult> PushAsync(SyncStore local, string branch, bool force = false, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(local);
        var name = "heads/" + branch;
        InvalidRefNameException.Validate(name);
        if (!local.Refs.TryRead(name, out var head))
        {
            throw new SyncException(SyncErrorKind.Refused, $"there is no local branch '{branch}' to push");
        }

        RefUpdateMessage? sent = null;
        return RemoteRetry.RunAsync(
            Url,
            Options,
            ct => PushOnceAsync(local, branch, head, force, progress, sent, update => sent = update, ct),
            e => RemoteRetry.IsTransient(e) && !(force && sent is not null),
            cancellationToken);
    }

    /// <summary>
    /// One attempt at a push. <paramref name="sentBefore"/> is the ref update an earlier attempt
    /// sent, if any: finding the remote branch already at <paramref name="head"/> then means that
    /// update was applied, and the result says from where it moved.
    /// </summary>
    private async Task<PushResult> PushOnceAsync(
        SyncStore local, string branch, Hash head, bool force, IProgress<TransferProgress>? progress, RefUpdateMessage? sentBefore, Action<RefUpdateMessage> sending, CancellationToken cancellationToken)
    {
        var name = "heads/" + branch;
        var session = await ClientSession.OpenAsync(Url, Options, local.Schema, local.ContentType, cancellationToken).ConfigureAwait(false);
        await using var scope = session.ConfigureAwait(false);
        var remoteRefs = await session.ListRefsAsync(local.Objects.Schema.HashSize, cancellationToken).ConfigureAwait(false);
        Hash? remoteHead = remoteRefs.Where(r => r.Key == name).Select(r => (Hash?)r.Value).FirstOrDefault();
        if (remoteHead == head)
        {
            local.Refs.CompareAndSwap(TrackingRef(branch), Current(local, TrackingRef(branch)), head, out _);
            var old = sentBefore is { } applied && applied.Desired == head ? applied.Expected : head;
            return new PushResult(branch, old, head, new TransferProgress(0, 0, session.Connection.BytesSent), session.Connection.BytesReceived);
        }

        if (!force && remoteHead is { } remote)
        {
            if (!local.Objects.TryReadCommit(remote, out _))
            {
                throw new SyncException(SyncErrorKind.Diverged, $"{Url} has commits on '{branch}' that this store lacks; fetch and merge first (irmin pull), or push with --force");
            }

            if (!new History(local.Objects).IsAncestor(remote, head))
            {
                throw new SyncException(SyncErrorKind.Diverged, $"'{branch}' has diverged from {Url} (not a fast-forward); fetch and merge first (irmin pull), or push with --force");
            }
        }

        var haves = remoteRefs.Select(r => r.Value).Where(h => local.Objects.TryReadCommit(h, out _)).Distinct().ToList();
        var missing = MissingObjects.ComputeWithBases(local.Objects, [head], haves);
        MessageCodec.WriteEmpty(session.Connection.StartBody());
        await session.Connection.SendAsync(MessageType.Push, cancellationToken).ConfigureAwait(false);
        var sent = await ObjectSender.SendAsync(session.Connection, local.Objects, missing, AgreedFeatures.With(session.Welcome.Capabilities), progress, cancellationToken).ConfigureAwait(false);
        var update = new RefUpdateMessage(name, remoteHead, head, force);
        MessageCodec.Write(session.Connection.StartBody(), update);
        sending(update);
        await session.Connection.SendAsync(MessageType.RefUpdate, cancellationToken).ConfigureAwait(false);
        var confirmed = MessageCodec.ReadHashOnly(
            await session.Connection.ReceiveAsync(cancellationToken, MessageType.RefUpdated).ConfigureAwait(false), session.Connection.Peer, local.Objects.Schema.HashSize);
        if (confirmed != head)
        {
            throw new SyncException(SyncErrorKind.Protocol, $"{Url} confirmed {confirmed} for a push of {head}");
        }

        local.Refs.CompareAndSwap(TrackingRef(branch), Current(local, TrackingRef(branch)), head, out _);
        return new PushResult(branch, remoteHead, head, sent with { WireBytes = session.Connection.BytesSent }, session.Connection.BytesReceived);
    }

    /// <summary>
    /// The commits local refs point at: what the remote need not send. At most 65,536, the
    /// highest first; haves are hints, and one left out only means more objects offered.
    /// </summary>
    private static List<Hash> LocalCommits(SyncStore local)
    {
        var commits = new List<Commit>();
        foreach (var hash in local.Refs.List().Select(r => r.Value).Distinct())
        {
            if (local.Objects.TryReadCommit(hash, out var commit))
            {
                commits.Add(commit);
            }
        }

        return commits.OrderByDescending(c => c.Height).Take(MaxHashesPerFetch).Select(c => c.Hash).ToList();
    }

    private static Hash? Current(SyncStore local, string name) => local.Refs.TryRead(name, out var h) ? h : null;

    /// <summary>
    /// Moves the remote-tracking branches to the remote's, forgets those the remote deleted, and
    /// creates the remote's tags that are new here: all in one batch, so a fetch makes one ref
    /// update whatever the number of refs. Read again if a local writer moved one meanwhile.
    /// </summary>
    private List<RefMove> MoveTrackingRefs(SyncStore local, List<KeyValuePair<string, Hash>> remoteRefs)
    {
        while (true)
        {
            var swaps = PlanTrackingRefs(local, remoteRefs);
            if (swaps.Count == 0 || local.Refs.CompareAndSwapAll(swaps))
            {
                return swaps.Select(s => new RefMove(s.Name, s.Expected, s.Desired)).ToList();
            }
        }
    }

    private List<RefSwap> PlanTrackingRefs(SyncStore local, List<KeyValuePair<string, Hash>> remoteRefs)
    {
        var swaps = new List<RefSwap>();
        var prefix = $"remotes/{Name}/";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, hash) in remoteRefs)
        {
            if (name.StartsWith("heads/", StringComparison.Ordinal))
            {
                var tracking = prefix + name["heads/".Length..];
                if (!seen.Add(tracking))
                {
                    continue;
                }

                var old = Current(local, tracking);
                if (old != hash)
                {
                    swaps.Add(new RefSwap(tracking, old, hash));
                }
            }
            else if (seen.Add(name) && Current(local, name) is null)
            {
                swaps.Add(new RefSwap(name, null, hash)); // a new tag
            }
        }

        // Branches deleted on the remote: forget them.
        foreach (var (name, hash) in local.Refs.List(prefix))
        {
            if (seen.Add(name))
            {
                swaps.Add(new RefSwap(name, hash, null));
            }
        }

        return swaps;
    }
}
