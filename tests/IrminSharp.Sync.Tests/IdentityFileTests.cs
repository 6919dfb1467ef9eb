using IrminSharp.Store;
using IrminSharp.Sync;
using Xunit;

namespace IrminSharp.Sync.Tests;

/// <summary>The identity file: private to its owner, and its certificate names nothing of the machine.</summary>
public sealed class IdentityFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("irmin-identity-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_new_identity_is_private_and_its_subject_names_no_machine()
    {
        var path = Path.Combine(directory, "identity.p12");
        using var identity = SyncIdentity.LoadOrCreate(path);
        Assert.Equal("CN=irmin", identity.Certificate.Subject);
        Assert.DoesNotContain(Environment.MachineName, identity.Certificate.Subject, StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)]
    public void An_identity_others_may_access_is_refused(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var path = Path.Combine(directory, "identity.p12");
        using (SyncIdentity.LoadOrCreate(path))
        {
        }

        File.SetUnixFileMode(path, mode);
        var e = Assert.Throws<IrminException>(() => SyncIdentity.Load(path));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
        Assert.Throws<IrminException>(() => SyncIdentity.LoadOrCreate(path));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var loaded = SyncIdentity.Load(path);
        Assert.NotEmpty(loaded.Fingerprint);
    }

    /// <summary>
    /// An identity owned by another user is refused, as ssh refuses a key not its user's (root
    /// included: the owner can replace the key). Needs root to give the file away; skipped otherwise.
    /// </summary>
    [Fact]
    public void An_identity_owned_by_another_user_is_refused()
    {
        if (!OperatingSystem.IsLinux() || FileOwner.CurrentUser() != 0)
        {
            return; // only root can give a file away
        }

        var path = Path.Combine(directory, "identity.p12");
        using (SyncIdentity.LoadOrCreate(path))
        {
        }

        Chown("65534", path);
        var e = Assert.Throws<IrminException>(() => SyncIdentity.Load(path));
        Assert.Contains("is owned by user 65534, not by the user running irmin (0)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"chown 0 {path}", e.Message, StringComparison.Ordinal);
        Assert.Throws<IrminException>(() => SyncIdentity.LoadOrCreate(path));

        Chown("0", path);
        using var loaded = SyncIdentity.Load(path);
        Assert.NotEmpty(loaded.Fingerprint);
    }

    private static void Chown(string user, string path)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [user, path]);
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
