using IrminSharp.Store;
using IrminSharp.Testing;

namespace IrminSharp.Backends.Pack.Tests;

public sealed class PackObjectStoreTests : ObjectStoreContract
{
    protected override IObjectStore CreateStore() => PackFixture.Create(PackFixture.NewDevice()).Objects;
}
