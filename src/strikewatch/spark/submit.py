"""The driver program to hand to ``spark-submit``:

    spark-submit --master yarn … "$(python -c 'import strikewatch.spark.submit as m; print(m.__file__)')" \\
        extract --input hdfs:///crawls/2024-03-06/ --output hdfs:///strikewatch/2024-03-06

The arguments are those of ``strikewatch spark``; the master is spark-submit's
unless ``--master`` is given. See docs/spark.md.
"""

from strikewatch.spark.cli import main

if __name__ == "__main__":
    main()
