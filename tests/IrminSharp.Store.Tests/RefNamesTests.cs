using IrminSharp.Store;
using Xunit;

namespace IrminSharp.Store.Tests;

public sealed class RefNamesTests
{
    [Theory]
    [InlineData("heads/main", true)]
    [InlineData("tags/v1", true)]
    [InlineData("remotes/origin/main", true)]
    [InlineData("config/remotes", false)]
    [InlineData("config/", false)]
    public void NamesCommit_ByNamespace_OnlyConfigRefsMayNameOtherObjects(string name, bool namesCommit) =>
        Assert.Equal(namesCommit, RefNames.NamesCommit(name));

    [Fact]
    public void NamesCommit_Null_Throws() => Assert.Throws<ArgumentNullException>(() => RefNames.NamesCommit(null!));
}
