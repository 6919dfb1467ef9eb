namespace IrminSharp.Compare;

/// <summary>A fresh directory under <c>--dir</c> for one run's stores, deleted when disposed.</summary>
internal sealed class BenchDirectory : IDisposable
{
    private BenchDirectory(string path) => Path = path;

    public string Path { get; }

    public static BenchDirectory Create(string root)
    {
        var path = System.IO.Path.Combine(root, "run-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return new BenchDirectory(path);
    }

    /// <summary>A path for a file named <paramref name="name"/> inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
