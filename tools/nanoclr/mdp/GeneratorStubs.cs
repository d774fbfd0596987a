// Stand-ins for the metadata processor's skeleton and dump generators (nanoSkeletonGenerator.cs,
// nanoDumperGenerator.cs upstream), which need the mustache-sharp template engine. Same
// constructors as upstream, so the console program compiles unchanged; asking for a skeleton
// (-generateskeleton) or a dump (-dump_all) says it is not in this build.

namespace nanoFramework.Tools.MetadataProcessor.Core
{
    using System;

    public sealed class nanoSkeletonGenerator
    {
        public nanoSkeletonGenerator(nanoTablesContext tablesContext, string path, string name, string project, bool withoutInteropCode, bool isCoreLib)
        {
        }

        public void GenerateSkeleton() =>
            throw new NotSupportedException("skeleton generation is not in this build of the metadata processor (it needs mustache-sharp)");
    }

    public sealed class nanoDumperGenerator
    {
        public nanoDumperGenerator(nanoTablesContext tablesContext, string path)
        {
        }

        public void DumpAll() =>
            throw new NotSupportedException("metadata dumps are not in this build of the metadata processor (they need mustache-sharp)");
    }
}
