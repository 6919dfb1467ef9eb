using System.Diagnostics;
using IrminSharp.Backends.Memory;
using IrminSharp.Merge;
using IrminSharp.Store;

int n = args.Length > 0 ? int.Parse(args[0]) : 10000;
int total = args.Length > 1 ? int.Parse(args[1]) : 3000;
string mode = args.Length > 2 ? args[2] : "set";
var objects = new MemoryObjectStore();
var repo = Repository<string>.Open(objects, new MemoryRefStore(), StringContents.Instance);
var tree = Tree.Empty;
for (var i = 0; i < n; i++) tree = tree.Add($"files/e{i}", repo.Encode($"value-{i}-v0-0123456789abcdef0123456789"));
var c0 = repo.Commit(tree, [], repo.Info("populate"));
repo.Main.TrySetHead(null, c0.Hash);
var rng = new Random(42);
var main = repo.Main;
var sw = new Stopwatch[5].Select(_ => new Stopwatch()).ToArray();
var chunk = Stopwatch.StartNew();
var head = c0;
int gc0 = GC.CollectionCount(0), gc2 = GC.CollectionCount(2);
for (var c = 1; c <= total; c++)
{
    var i = rng.Next(n);
    var path = $"files/e{i}";
    var value = $"value-{i}-v{c}-0123456789abcdef0123456789";
    if (mode == "set") { main.Set(path, value, "x"); }
    else
    {
        sw[0].Start(); var h = main.Head!; sw[0].Stop();
        sw[1].Start(); var t = repo.TreeOf(h).Add(path, repo.Encode(value)); sw[1].Stop();
        sw[2].Start(); var root = repo.WriteTree(t); sw[2].Stop();
        sw[3].Start(); var commit = repo.Objects.WriteCommit(root, [h.Hash], repo.Info("x")); sw[3].Stop();
        sw[4].Start(); main.TrySetHead(h.Hash, commit.Hash); sw[4].Stop();
    }
    if (c % 500 == 0)
    {
        Console.WriteLine($"{c}: {500 / chunk.Elapsed.TotalSeconds:F0}/s objects={objects.Count} bytes={objects.Bytes} gc0={GC.CollectionCount(0)-gc0} gc2={GC.CollectionCount(2)-gc2} heap={GC.GetTotalMemory(false)/1e6:F0}MB " +
            (mode == "set" ? "" : $"head={sw[0].Elapsed.TotalMilliseconds:F0} add={sw[1].Elapsed.TotalMilliseconds:F0} persist={sw[2].Elapsed.TotalMilliseconds:F0} commit={sw[3].Elapsed.TotalMilliseconds:F0} cas={sw[4].Elapsed.TotalMilliseconds:F0}ms"));
        foreach (var s in sw) s.Reset();
        chunk.Restart();
    }
}
