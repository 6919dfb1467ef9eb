using IrminSharp.Backends.Memory;
using IrminSharp.Store;
using IrminSharp.Testing;

namespace IrminSharp.Store.Tests;

public sealed class MemoryRefStoreTests : RefStoreContract
{
    protected override IRefStore CreateStore() => new MemoryRefStore();
}
