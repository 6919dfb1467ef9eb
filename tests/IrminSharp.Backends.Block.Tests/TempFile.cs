namespace IrminSharp.Backends.Block.Tests;

/// <summary>A temporary file path, deleted on dispose (whether or not the file was created).</summary>
public sealed class TempFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"irmin-block-{Guid.NewGuid():N}.img");

    public void Dispose() => File.Delete(Path);
}
