namespace IrminSharp.Backends.Block.Tests;

public sealed class MemoryBlockDeviceTests : BlockDeviceContract
{
    private byte[]? image;
    private MemoryBlockDevice? last;

    protected override IBlockDevice CreateDevice() => last = new MemoryBlockDevice(512, 128);

    protected override IBlockDevice? Reopen(bool readOnly)
    {
        image ??= last!.SnapshotImage();
        return MemoryBlockDevice.FromImage(image, 512, readOnly);
    }
}
