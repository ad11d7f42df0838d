from econet.cli import main

main()
