using System.Diagnostics;

namespace IrminSharp.Backends.Block.Tests;

/// <summary>A real loop device over a sparse image file, attached with losetup and always detached.</summary>
public sealed class LoopDevice : IDisposable
{
    private readonly string image;

    public LoopDevice(long bytes)
    {
        image = Path.Combine(Path.GetTempPath(), $"irmin-loop-{Guid.NewGuid():N}.img");
        using (var file = File.Create(image))
        {
            file.SetLength(bytes);
        }

        try
        {
            DevicePath = Run("losetup", $"-f --show {image}").Trim();
            if (!DevicePath.StartsWith("/dev/loop", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"losetup returned '{DevicePath}'");
            }
        }
        catch
        {
            File.Delete(image);
            throw;
        }
    }

    public string DevicePath { get; }

    public void Dispose()
    {
        try
        {
            Run("losetup", $"-d {DevicePath}");
        }
        finally
        {
            File.Delete(image);
        }
    }

    private static string Run(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {tool}");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {error.Trim()} — loop devices need root and /dev/loop-control");
        }

        return output;
    }
}
