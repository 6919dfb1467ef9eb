namespace IrminSharp.Store;

/// <summary>A ref moved.</summary>
/// <param name="Name">The ref, such as <c>heads/main</c>.</param>
/// <param name="Old">Its previous value; null when it was created.</param>
/// <param name="New">Its new value; null when it was deleted.</param>
public sealed record RefChange(string Name, Hash? Old, Hash? New);
