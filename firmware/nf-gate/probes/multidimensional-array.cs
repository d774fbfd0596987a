// Rectangular arrays break the nanoFramework metadata processor.
// expect: NF0002
class Probe
{
    int[,] grid = new int[2, 2];
}
