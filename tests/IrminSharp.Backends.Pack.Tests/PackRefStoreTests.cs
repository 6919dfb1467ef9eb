using IrminSharp.Store;
using IrminSharp.Testing;
using Xunit;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class PackRefStoreTests : RefStoreContract
{
    protected override IRefStore CreateStore()
    {
        var pack = PackFixture.Create(PackFixture.NewDevice());
        foreach (var bytes in Targets)
        {
            pack.Objects.Add(Hash.ComputeBlake3(bytes), bytes);
        }

        return pack.Refs;
    }

    [Fact]
    public void CompareAndSwap_ToAnObjectThePackLacks_IsRefused()
    {
        using var refs = CreateStore();
        var missing = Hash.ComputeBlake3([99]);
        var e = Assert.Throws<ObjectNotFoundException>(() => refs.CompareAndSwap("heads/main", null, missing, out _));
        Assert.Equal(missing, e.Hash);
        Assert.False(refs.TryRead("heads/main", out _));
    }
}
