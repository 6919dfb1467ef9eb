using System.Globalization;

namespace IrminSharp.Backends.Pack;

/// <summary>
/// An exclusive lock held through a lock file (flock on Linux) that records the holder's pid.
/// The kernel drops it when the process dies, so a killed writer never leaves a stale lock.
/// </summary>
internal sealed class WriterLock : IDisposable
{
    private readonly FileStream stream;

    private WriterLock(FileStream stream) => this.stream = stream;

    public static WriterLock Acquire(string path, string where)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StoreLockedException(where, ReadPid(path), e);
        }

        stream.SetLength(0);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(pid + "\n"));
        stream.Flush();
        return new WriterLock(stream);
    }

    private static int? ReadPid(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[32];
            var n = reader.Read(buffer);
            return int.TryParse(System.Text.Encoding.ASCII.GetString(buffer, 0, n).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
