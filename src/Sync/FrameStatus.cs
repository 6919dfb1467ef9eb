namespace IrminSharp.Sync;

/// <summary>The outcome of reading one frame from received bytes.</summary>
public enum FrameStatus
{
    /// <summary>A whole frame was read.</summary>
    Complete,

    /// <summary>The bytes so far are a valid beginning; more are needed.</summary>
    NeedMore,

    /// <summary>The bytes cannot be a frame (too large, or an empty body); the peer is broken or hostile.</summary>
    Invalid,
}
