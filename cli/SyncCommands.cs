using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IrminSharp.Store;
using IrminSharp.Sync;

namespace IrminSharp.Cli;

/// <summary><c>cert</c>, <c>serve</c>, <c>remote</c>, <c>clone</c>, <c>fetch</c>, <c>pull</c> and <c>push</c>.</summary>
internal static class SyncCommands
{
    private const string DefaultRemote = "origin";

    public static IEnumerable<Command> Create()
    {
        yield return Cert();
        yield return Serve();
        yield return RemoteCommand();
        yield return Clone();
        yield return Fetch();
        yield return Pull();
        yield return Push();
    }

    private static Command Cert()
    {
        var identity = SyncOptions.Identity();
        var command = new Command("cert", "Print this device's certificate fingerprint (creating its identity on first use)") { identity };
        command.SetAction(result =>
        {
            var path = SyncOptions.IdentityPath(result, identity);
            using var id = SyncIdentity.LoadOrCreate(path);
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject { ["fingerprint"] = id.Fingerprint, ["identity"] = path, ["subject"] = id.Certificate.Subject });
            }
            else
            {
                Console.Out.WriteLine(id.Fingerprint);
            }

            return 0;
        });
        return command;
    }

    private static Command Serve()
    {
        var listen = new Option<string>("--listen")
        {
            Description = "The address and port to listen on",
            DefaultValueFactory = _ => "127.0.0.1:" + RemoteUrl.DefaultPort,
        };
        var allow = new Option<string[]>("--allow")
        {
            Description = "A client certificate fingerprint that may fetch and push (not force) on every served store (repeat for several)",
            AllowMultipleArgumentsPerToken = true,
        };
        var grants = new ServeGrantOptions();
        var name = new Option<string>("--name")
        {
            Description = "The name clients use for this store in URLs (irmin://host:port/NAME)",
            DefaultValueFactory = _ => RemoteUrl.DefaultStore,
        };
        var also = new Option<string[]>("--store")
        {
            Description = "Serve another store too, as NAME=DIR (DIR as for --root; repeat for several)",
            AllowMultipleArgumentsPerToken = true,
        };
        var identity = SyncOptions.Identity();
        var insecure = SyncOptions.InsecureLoopback();
        var command = new Command("serve", "Serve the store to other devices over TCP+TLS until interrupted") { listen, allow, grants.AllowRead, grants.Config, name, also, identity, insecure };
        var (metrics, maxConnections) = ServeOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var endPoint = ParseListen(result.GetValue(listen)!);
            var insecureLoopback = result.GetValue(insecure);
            var allowed = (result.GetValue(allow) ?? []).Select(SyncIdentity.NormalizeFingerprint).ToList();
            if (insecureLoopback && !IPAddress.IsLoopback(endPoint.Address))
            {
                throw new ArgumentException($"--insecure-loopback is refused on {endPoint}: plain TCP may listen only on a loopback address");
            }

            using var id = insecureLoopback ? null : SyncIdentity.LoadOrCreate(SyncOptions.IdentityPath(result, identity));
            using var session = GlobalOptions.Open(result, readOnly: false);
            var storeName = result.GetValue(name)!;
            var served = new Dictionary<string, SyncStore>(StringComparer.Ordinal) { [storeName] = session.View.Sync };
            var others = new List<StoreSession>();
            using var closeOthers = new OpenSessions(others);
            foreach (var spec in result.GetValue(also) ?? [])
            {
                var eq = spec.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == spec.Length - 1)
                {
                    throw new ArgumentException($"--store '{spec}' is not NAME=DIR");
                }

                if (!served.TryAdd(spec[..eq], null!))
                {
                    throw new ArgumentException($"two stores are named '{spec[..eq]}'");
                }

                var other = StoreSession.Open(StoreLocation.From(spec[(eq + 1)..], null), readOnly: false);
                others.Add(other);
                served[spec[..eq]] = other.View.Sync;
            }

            var authorization = grants.Authorization(result, served.Keys);
            var clients = authorization.Clients.Union(allowed, StringComparer.Ordinal).Count();
            var server = new SyncServer(
                served,
                new SyncServerOptions
                {
                    Identity = id,
                    AllowedClients = allowed,
                    Authorization = authorization,
                    InsecureLoopback = insecureLoopback,
                    MaxConnections = result.GetValue(maxConnections),
                    Log = line => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {line}"),
                });
            using var metricsEndpoint = ServeOptions.StartMetrics(result, metrics);
            await using (server.ConfigureAwait(false))
            {
                var bound = server.Start(endPoint);
                var host = bound.Address.ToString().Contains(':', StringComparison.Ordinal) ? $"[{bound.Address}]" : bound.Address.ToString();
                Console.Out.WriteLine($"serving {session.Location.Target} as irmin://{host}:{bound.Port}/{storeName}");
                foreach (var other in others)
                {
                    var otherName = served.First(s => s.Value == other.View.Sync).Key;
                    Console.Out.WriteLine($"serving {other.Location.Target} as irmin://{host}:{bound.Port}/{otherName}");
                }

                Console.Out.WriteLine(insecureLoopback
                    ? "plain TCP on loopback, no authentication (--insecure-loopback)"
                    : $"server fingerprint {id!.Fingerprint}; {clients} client(s) allowed");
                ServeOptions.PrintMetrics(metricsEndpoint);
                if (insecureLoopback && clients > 0)
                {
                    Console.Error.WriteLine("irmin: warning: --allow, --allow-read and --config are ignored with --insecure-loopback: plain TCP has no certificates to tell clients apart");
                }

                if (!insecureLoopback && clients == 0)
                {
                    Console.Error.WriteLine("irmin: warning: no client is allowed; pass --allow FINGERPRINT, --allow-read FINGERPRINT or --config FILE ('irmin cert' on the client prints it)");
                }

                Console.Out.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Console.Error.WriteLine("irmin: stopping");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command RemoteCommand()
    {
        var addName = new Argument<string>("name") { Description = "The remote's name, such as origin" };
        var addUrl = new Argument<string>("url") { Description = "irmin://host:port/store" };
        var fingerprint = SyncOptions.Fingerprint();
        var insecure = SyncOptions.InsecureLoopback();
        var add = new Command("add", "Remember a remote store") { addName, addUrl, fingerprint, insecure };
        add.SetAction(result =>
        {
            var config = Config(result.GetValue(addName)!, result.GetValue(addUrl)!, result.GetValue(fingerprint), result.GetValue(insecure));
            using var session = GlobalOptions.Open(result, readOnly: false);
            RemoteRegistry.Set(session.View.Sync, config);
            Console.Out.WriteLine($"added remote {config.Name} {config.Url}");
            return 0;
        });

        var removeName = new Argument<string>("name") { Description = "The remote to forget, with its remote-tracking refs" };
        var remove = new Command("remove", "Forget a remote") { removeName };
        remove.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var target = result.GetValue(removeName)!;
            if (!RemoteRegistry.Remove(session.View.Sync, target))
            {
                throw new IrminException($"no remote '{target}'");
            }

            Console.Out.WriteLine($"removed remote {target}");
            return 0;
        });

        var command = new Command("remote", "List, add or remove remotes") { add, remove };
        command.SetAction(result =>
        {
            using var session = GlobalOptions.Open(result, readOnly: true);
            var remotes = RemoteRegistry.List(session.View.Sync);
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonArray([.. remotes.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["url"] = r.Url.ToString(),
                    ["fingerprint"] = r.ServerFingerprint,
                    ["insecureLoopback"] = r.InsecureLoopback,
                })]));
                return 0;
            }

            foreach (var r in remotes)
            {
                Console.Out.WriteLine($"{r.Name}\t{r.Url}\t{(r.InsecureLoopback ? "insecure-loopback" : r.ServerFingerprint)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Clone()
    {
        var url = new Argument<string>("url") { Description = "irmin://host:port/store" };
        var dir = new Argument<string?>("dir") { Description = "Where to put the copy (its store goes in DIR/.irmin); omit with --device", Arity = ArgumentArity.ZeroOrOne };
        var fingerprint = SyncOptions.Fingerprint();
        var insecure = SyncOptions.InsecureLoopback();
        var identity = SyncOptions.Identity();
        var size = new Option<long>("--size") { Description = "The size of the new pack file in MiB (sparse)", DefaultValueFactory = _ => 1024 };
        var timeout = SyncOptions.Timeout();
        var command = new Command("clone", "Copy a remote store; it becomes remote 'origin'") { url, dir, fingerprint, insecure, identity, size, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            var config = Config(DefaultRemote, result.GetValue(url)!, result.GetValue(fingerprint), result.GetValue(insecure));
            var target = result.GetValue(dir);
            var device = result.GetValue(GlobalOptions.Device);
            if ((target is null) == (device is null))
            {
                throw new ArgumentException(device is null ? "give the directory to clone into" : "give either a directory or --device, not both");
            }

            var location = StoreLocation.From(target is null ? null : Path.Combine(target, ".irmin"), device);
            var remote = new Remote(config.Name, config.Url, SyncOptions.WithRetry(SyncOptions.For(config, SyncOptions.IdentityPath(result, identity)), result, timeout));
            using var remoteIdentity = remote.Options.Identity;
            var clock = Stopwatch.StartNew();
            var info = await remote.DescribeAsync(cancellationToken).ConfigureAwait(false);
            if (info.Schema != NativeSchema.Instance.Name)
            {
                throw new SyncException(SyncErrorKind.Incompatible, $"{config.Url} uses schema {info.Schema}, which this irmin cannot store");
            }

            using (location.Create(info.ContentType, result.GetValue(size) << 20))
            {
            }

            using var session = StoreSession.Open(location, readOnly: false);
            RemoteRegistry.Set(session.View.Sync, config);
            FetchResult fetched;
            try
            {
                fetched = await TransferDisplay.RunAsync("cloning", p => remote.CloneAsync(session.View.Sync, p, cancellationToken)).ConfigureAwait(false);
            }
            catch (SyncException e)
            {
                throw new SyncException(e.Kind, $"{e.Message} (what arrived is kept: run 'irmin pull' in {target ?? device} to resume)", e);
            }

            Report(result, "cloned", config.Url, fetched, clock);
            return 0;
        });
        return command;
    }

    private static Command Fetch()
    {
        var remoteName = RemoteArgument();
        var identity = SyncOptions.Identity();
        var timeout = SyncOptions.Timeout();
        var command = new Command("fetch", "Get what changed on a remote (into remotes/NAME/BRANCH)") { remoteName, identity, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var remote = Open(session, result.GetValue(remoteName)!, result, identity, timeout);
            using var remoteIdentity = remote.Options.Identity;
            var clock = Stopwatch.StartNew();
            var fetched = await TransferDisplay.RunAsync("fetching", p => remote.FetchAsync(session.View.Sync, p, cancellationToken)).ConfigureAwait(false);
            Report(result, "fetched", remote.Url, fetched, clock);
            return 0;
        });
        return command;
    }

    private static Command Pull()
    {
        var remoteName = RemoteArgument();
        var identity = SyncOptions.Identity();
        var author = new Option<string?>("--author") { Description = "The merge commit's author" };
        var timeout = SyncOptions.Timeout();
        var command = new Command("pull", "Fetch, then merge the remote's branch into the local one (typed three-way merge)") { remoteName, identity, author, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var remote = Open(session, result.GetValue(remoteName)!, result, identity, timeout);
            using var remoteIdentity = remote.Options.Identity;
            var branch = GlobalOptions.BranchName(result);
            var clock = Stopwatch.StartNew();
            var info = GlobalOptions.Info(result.GetValue(author), $"merge {remote.Name}/{branch} into {branch}");
            var pulled = await TransferDisplay.RunAsync("pulling", p => session.View.PullAsync(remote, branch, info, p, cancellationToken)).ConfigureAwait(false);
            session.View.Sync.Refs.TryRead(remote.TrackingRef(branch), out var theirs);
            var outcome = pulled.Old == pulled.New ? "already up to date"
                : pulled.Old is null ? $"created at {pulled.New.ToShortString()}"
                : pulled.New == theirs ? $"fast-forward: {pulled.Old.Value.ToShortString()} → {pulled.New.ToShortString()}"
                : $"merged: {pulled.Old.Value.ToShortString()} → {pulled.New.ToShortString()}";
            if (GlobalOptions.WantsJson(result))
            {
                var json = FetchJson(remote.Url, pulled.Fetch, clock);
                json["branch"] = branch;
                json["old"] = pulled.Old?.ToString();
                json["new"] = pulled.New.ToString();
                Output.Json(json);
                return 0;
            }

            Report(result, "fetched", remote.Url, pulled.Fetch, clock);
            Console.Out.WriteLine($"{branch}: {outcome}");
            return 0;
        });
        return command;
    }

    private static Command Push()
    {
        var remoteName = RemoteArgument();
        var identity = SyncOptions.Identity();
        var force = new Option<bool>("--force") { Description = "Move the remote branch even if that drops commits it has" };
        var timeout = SyncOptions.Timeout();
        var command = new Command("push", "Send the branch's new commits and move the remote branch (fast-forward only unless --force)") { remoteName, identity, force, timeout };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var session = GlobalOptions.Open(result, readOnly: false);
            var remote = Open(session, result.GetValue(remoteName)!, result, identity, timeout);
            using var remoteIdentity = remote.Options.Identity;
            var branch = GlobalOptions.BranchName(result);
            var clock = Stopwatch.StartNew();
            var pushed = await TransferDisplay.RunAsync("pushing", p => remote.PushAsync(session.View.Sync, branch, result.GetValue(force), p, cancellationToken)).ConfigureAwait(false);
            var wire = pushed.Sent.WireBytes + pushed.WireBytesReceived;
            if (GlobalOptions.WantsJson(result))
            {
                Output.Json(new JsonObject
                {
                    ["remote"] = remote.Url.ToString(),
                    ["branch"] = branch,
                    ["old"] = pushed.Old?.ToString(),
                    ["new"] = pushed.New.ToString(),
                    ["objects"] = pushed.Sent.Objects,
                    ["objectBytes"] = pushed.Sent.ObjectBytes,
                    ["wireBytes"] = wire,
                    ["milliseconds"] = clock.Elapsed.TotalMilliseconds,
                });
                return 0;
            }

            Console.Out.WriteLine(pushed.UpToDate
                ? $"{branch}: {remote.Url} is already up to date"
                : $"pushed {branch}: {pushed.Old?.ToShortString() ?? "(new)"} → {pushed.New.ToShortString()}, {pushed.Sent.Objects} objects ({TransferDisplay.Bytes(pushed.Sent.ObjectBytes)}), {TransferDisplay.Bytes(wire)} on the wire in {TransferDisplay.Elapsed(clock)}");
            return 0;
        });
        return command;
    }

    private static Argument<string> RemoteArgument() => new("remote")
    {
        Description = "The remote's name",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => DefaultRemote,
    };

    private static Remote Open(StoreSession session, string name, ParseResult result, Option<string?> identity, Option<double> timeout)
    {
        var config = RemoteRegistry.Get(session.View.Sync, name);
        return new Remote(config.Name, config.Url, SyncOptions.WithRetry(SyncOptions.For(config, SyncOptions.IdentityPath(result, identity)), result, timeout));
    }

    private static RemoteConfig Config(string name, string url, string? fingerprint, bool insecure)
    {
        var parsed = RemoteUrl.Parse(url);
        if (!insecure && fingerprint is null)
        {
            throw new ArgumentException("give the server's certificate fingerprint with --fingerprint (run 'irmin cert' on the server), or --insecure-loopback for plain TCP on loopback");
        }

        return new RemoteConfig(name, parsed, fingerprint is null ? null : SyncIdentity.NormalizeFingerprint(fingerprint), insecure);
    }

    private static IPEndPoint ParseListen(string text)
    {
        if (IPEndPoint.TryParse(text, out var endPoint) && (text.Contains("]:", StringComparison.Ordinal) || text.Count(c => c == ':') == 1))
        {
            return endPoint;
        }

        if (IPAddress.TryParse(text.Trim('[', ']'), out var address))
        {
            return new IPEndPoint(address, RemoteUrl.DefaultPort);
        }

        throw new ArgumentException($"--listen '{text}' is not an address and port such as 127.0.0.1:9181 or [::]:9181");
    }

    private static JsonObject FetchJson(RemoteUrl url, FetchResult fetched, Stopwatch clock) => new()
    {
        ["remote"] = url.ToString(),
        ["objects"] = fetched.Received.Objects,
        ["objectBytes"] = fetched.Received.ObjectBytes,
        ["wireBytes"] = fetched.Received.WireBytes + fetched.WireBytesSent,
        ["milliseconds"] = clock.Elapsed.TotalMilliseconds,
        ["moved"] = new JsonArray([.. fetched.Moved.Select(m => (JsonNode)new JsonObject
        {
            ["ref"] = m.Name,
            ["old"] = m.Old?.ToString(),
            ["new"] = m.New?.ToString(),
        })]),
    };

    private static void Report(ParseResult result, string verb, RemoteUrl url, FetchResult fetched, Stopwatch clock)
    {
        if (GlobalOptions.WantsJson(result))
        {
            Output.Json(FetchJson(url, fetched, clock));
            return;
        }

        foreach (var move in fetched.Moved)
        {
            Console.Out.WriteLine(move switch
            {
                { Old: null } => $"  new      {move.Name} {move.New?.ToShortString()}",
                { New: null } => $"  deleted  {move.Name}",
                _ => $"  updated  {move.Name} {move.Old?.ToShortString()} → {move.New?.ToShortString()}",
            });
        }

        var wire = fetched.Received.WireBytes + fetched.WireBytesSent;
        Console.Out.WriteLine($"{verb} {url}: {fetched.Received.Objects} objects ({TransferDisplay.Bytes(fetched.Received.ObjectBytes)}), {TransferDisplay.Bytes(wire)} on the wire in {TransferDisplay.Elapsed(clock)}");
    }
}
