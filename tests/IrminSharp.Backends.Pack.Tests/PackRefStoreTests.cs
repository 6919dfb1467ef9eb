using IrminSharp.Store;
using IrminSharp.Testing;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class PackRefStoreTests : RefStoreContract
{
    protected override IRefStore CreateStore() => PackFixture.Create(PackFixture.NewDevice()).Refs;
}
