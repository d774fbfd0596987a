// nanoFramework.Runtime.Native 1.7.11 (nanoframework/nanoFramework.Runtime.Native, tag v1.7.11): restarting the board.
namespace nanoFramework.Runtime.Native
{
    public enum RebootOption
    {
        NormalReboot = 0,
    }

    public class Power
    {
        public static void RebootDevice(RebootOption rebootOption = RebootOption.NormalReboot) => throw null;
    }
}
