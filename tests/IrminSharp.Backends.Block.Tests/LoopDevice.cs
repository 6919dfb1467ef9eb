using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>
/// A real loop device over a sparse image file in a fresh temp directory, attached with
/// <c>losetup -f --show</c> and always detached (and the directory deleted) on dispose. Needs root
/// and util-linux; when they are missing it throws with a clear message, so tests fail, never skip.
/// </summary>
public sealed class LoopDevice : IDisposable
{
    private readonly string directory;
    private bool disposed;

    public LoopDevice(long bytes)
    {
        directory = Directory.CreateTempSubdirectory("irmin-loop-").FullName;
        ImagePath = Path.Combine(directory, "disk.img");
        try
        {
            using (var file = File.Create(ImagePath))
            {
                file.SetLength(bytes);
            }

            // Parallel losetup calls can race for the same free device; retry a few times.
            string? path = null;
            for (var attempt = 1; path is null; attempt++)
            {
                try
                {
                    path = Run("losetup", "-f", "--show", ImagePath).Trim();
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    Thread.Sleep(50 * attempt);
                }
            }

            if (!path.StartsWith("/dev/loop", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"losetup -f --show returned '{path}', not a loop device");
            }

            DevicePath = path;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The loop device, e.g. <c>/dev/loop3</c>.</summary>
    public string DevicePath { get; }

    /// <summary>The backing image file.</summary>
    public string ImagePath { get; }

    /// <summary>The device's major and minor numbers, as sysfs gives them (<c>/sys/class/block/loopN/dev</c>).</summary>
    public (int Major, int Minor) Numbers
    {
        get
        {
            var text = File.ReadAllText($"/sys/class/block/{Path.GetFileName(DevicePath)}/dev").Trim();
            var parts = text.Split(':');
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A symlink to the device in this loop device's temp directory (as <c>/dev/disk/by-id/…</c> are).</summary>
    public string MakeSymlink(string name)
    {
        var link = Path.Combine(directory, name);
        File.CreateSymbolicLink(link, DevicePath);
        return link;
    }

    /// <summary>A second device node with the same numbers (<c>mknod NAME b MAJOR MINOR</c>) in the temp directory.</summary>
    public string MakeSecondNode(string name)
    {
        var node = Path.Combine(directory, name);
        var (major, minor) = Numbers;
        Run("mknod", node, "b", major.ToString(CultureInfo.InvariantCulture), minor.ToString(CultureInfo.InvariantCulture));
        return node;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            Run("losetup", "-d", DevicePath);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs a tool to completion and returns its standard output; throws with its standard error when it fails.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{tool}' could not be started ({e.Message}). The loop-device tests need util-linux (apt-get install -y util-linux) and root.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"'{tool} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}: {error.Trim()}. "
                    + "The loop-device tests need root, /dev/loop-control and free loop devices.");
            }

            return output.GetAwaiter().GetResult();
        }
    }
}
