#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Wire;

namespace Edge.Dataplane.NfTests.Sim
{
    /// <summary>Finding an ICMP message among captured frames.</summary>
    public static class IcmpFrames
    {
        /// <summary>The first frame carrying an ICMP message of the type, left decoded in <paramref name="decoder"/>; null when there is none.</summary>
        public static byte[] First(byte[][] frames, byte type, FrameDecoder decoder)
        {
            for (int i = 0; i < frames.Length; i++)
            {
                if (decoder.Decode(frames[i], 0, frames[i].Length) == WireError.None && decoder.Has(FrameLayer.Icmp) && decoder.Icmp.Type == type)
                {
                    return frames[i];
                }
            }

            return null;
        }
    }
}
