using Edge.Dataplane.Net;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>A pod the host scheduled onto this board: its sandbox and its one container's image, args and environment.</summary>
    public sealed class PodSpec
    {
        public string Namespace = "default";
        public string Name = "";
        public string Uid = "";
        public uint Address;
        public string Image = "";

        /// <summary>The container's args (Empty.Strings when it has none): the image reads them as its flags.</summary>
        public string[] Args = Empty.Strings;

        /// <summary>
        /// The container's environment as the host made it, "NAME=value" (Empty.Strings when none):
        /// what the pod's env and envFrom say, not the Services' variables nor a Secret's values.
        /// </summary>
        public string[] Env = Empty.Strings;
    }
}
