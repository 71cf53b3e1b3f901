// echarts/core with only what the app draws: line, bar, pie, the township map (map + visualMap),
// mark lines (the CV limits on the 督导 page), and the 布局 map (a geo component with scatter
// sites and custom attendance-zone polygons).
import * as echarts from 'echarts/core'
import { LineChart, BarChart, PieChart, MapChart, ScatterChart, CustomChart } from 'echarts/charts'
import {
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent,
  VisualMapContinuousComponent, MarkLineComponent, GeoComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  LineChart, BarChart, PieChart, MapChart, ScatterChart, CustomChart,
  GridComponent, TooltipComponent, LegendComponent, TitleComponent, DatasetComponent,
  VisualMapContinuousComponent, MarkLineComponent, GeoComponent,
  CanvasRenderer,
])

export const palette = ['#1f5fa8', '#3ba272', '#fac858', '#ee6666', '#73c0de', '#9a60b4', '#fc8452', '#91cc75']

export default echarts
